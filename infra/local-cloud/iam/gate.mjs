// The local cloud's IAM at an emulator's own thread (dynalite's, the local SES's): each request's
// signature is checked here, against the keys the main thread issued, and each action on each
// resource is decided by the main thread's LocalIam, which records denials. Allowed decisions are
// kept here (by key, action, resource and the condition keys any policy tests), so a thread asks
// once per kind of call; a denial is always asked again, so that each one is recorded.
import { verifyNodeRequest } from './sigv4.mjs';

export class ThreadGate {
  #port;
  #options;
  #keys = new Map();
  #tested = new Set();
  #allowed = new Set();
  #cacheable = true;
  /** Bumped whenever keys or policies change: a decision asked before then is not kept. */
  #generation = 0;
  /** Authorizations decided here, from the kept decisions or by asking. */
  checked = 0;
  #pending = new Map();
  #next = 0;

  /** `port`: the thread's parentPort; `options`: { region, service, clocks }. */
  constructor(port, options) {
    this.#port = port;
    this.#options = options;
  }

  /** Handles the main thread's messages meant for the gate; returns whether it was one. */
  receive(message) {
    if (message?.iam) {
      this.#keys = new Map(message.iam.credentials.map((c) => [c.accessKeyId, c]));
      this.#tested = new Set(message.iam.testedKeys);
      // A policy that tests the time is decided afresh on every call.
      this.#cacheable = !this.#tested.has('aws:currenttime') && !this.#tested.has('aws:epochtime');
      this.#allowed.clear();
      this.#generation++;
      return true;
    }
    if (message?.decided) {
      this.#pending.get(message.decided.id)?.(message.decided);
      this.#pending.delete(message.decided.id);
      return true;
    }
    return false;
  }

  /** Who signed `request` (a Node request whose body was read): `{ ok, accessKeyId, faults }` or the failure AWS answers. */
  async authenticate(request, body) {
    const verified = await verifyNodeRequest(request, body, { ...this.#options, lookup: (id) => this.#keys.get(id) });
    return verified.ok ? { ...verified, faults: Boolean(this.#keys.get(verified.accessKeyId)?.faults) } : verified;
  }

  /** Decides every resource of a call: `{ allowed: true }` or the first denial, with the caller's principal and AWS's message. */
  async authorize(accessKeyId, action, resources, context = {}) {
    for (const resource of resources) {
      this.checked++;
      const tested = Object.fromEntries(Object.entries(context).filter(([key]) => this.#tested.has(key.toLowerCase())));
      const key = JSON.stringify([accessKeyId, action, resource, tested]);
      if (this.#allowed.has(key)) continue;
      const generation = this.#generation;
      const decided = await this.#ask({ accessKeyId, action, resource, context });
      if (!decided.allowed) return decided;
      if (this.#cacheable && generation === this.#generation) this.#allowed.add(key);
    }
    return { allowed: true };
  }

  #ask(request) {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#port.postMessage({ authorize: { id, ...request } });
    });
  }
}

/** Reads a whole request body. */
export function readAll(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
