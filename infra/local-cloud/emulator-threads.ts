import { Worker } from 'node:worker_threads';
import type { FaultInjector } from './faults.ts';
import { principalName, type LocalIam } from './iam/local-iam.ts';
import type { SentEmail } from './mail-events.ts';
import type { VirtualClock } from './virtual-clock.ts';

type Message = Record<string, unknown>;

/** An emulator's server on its own thread: it posts its port once listening, and closes on 'stop'. */
class EmulatorThread {
  /** Callers waiting for the gate's count of authorizations, in the order they asked. */
  private readonly checks: ((checked: number) => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    readonly ready: { port: number } & Message,
  ) {}

  /** `iam`: the thread's gate checks signatures with its keys and asks it for decisions. */
  static async start(script: URL, workerData: Message, onMessage: (message: Message) => void, iam?: LocalIam): Promise<EmulatorThread> {
    const worker = new Worker(script, { workerData });
    const ready = await new Promise<{ port: number } & Message>((resolve, reject) => {
      worker.once('message', (message: { port?: number; error?: string }) =>
        message.port ? resolve(message as { port: number }) : reject(new Error(message.error)),
      );
      worker.once('error', reject);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    const thread = new EmulatorThread(worker, ready);
    worker.on('message', (message: Message) => {
      if (message.authorize && iam) void decide(iam, message.authorize as AuthorizeMessage).then((decided) => worker.postMessage({ decided }));
      else if (typeof message.iamChecked === 'number') thread.checks.shift()?.(message.iamChecked);
      else if (!('port' in message) && !('stopped' in message)) onMessage(message);
    });
    if (iam) {
      worker.postMessage({ iam: iam.snapshot() });
      iam.onChange(() => worker.postMessage({ iam: iam.snapshot() }));
    }
    return thread;
  }

  /** How many authorizations the thread's gate has decided (most from the decisions it keeps), for the benchmarks. */
  iamChecks(): Promise<number> {
    return new Promise((resolve) => {
      this.checks.push(resolve);
      this.worker.postMessage('iam-checked');
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  post(message: string | Message): void {
    this.worker.postMessage(message);
  }

  async stop(): Promise<void> {
    // Closing lets LevelDB flush and release its lock before the thread ends.
    await new Promise<void>((resolve) => {
      this.worker.on('message', (message: { stopped?: boolean }) => message.stopped && resolve());
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
  }
}

interface AuthorizeMessage {
  id: number;
  accessKeyId: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

/** A thread gate's question, decided by the local cloud's IAM (which records a denial). */
async function decide(iam: LocalIam, asked: AuthorizeMessage) {
  const { id, accessKeyId, action, resource, context } = asked;
  const issued = iam.credentialsOf(accessKeyId);
  if (!issued) return { id, allowed: false, message: 'The security token included in the request is invalid.', resource };
  const principal = principalName(issued.principal);
  try {
    const decision = await iam.authorize({ principal: issued.principal, action, resource, context }, 'thread');
    return { id, allowed: decision.allowed, message: decision.allowed ? undefined : decision.message, principal, resource };
  } catch (error) {
    console.error(`[iam] ${(error as Error).message}`);
    return { id, allowed: false, message: (error as Error).message, principal, resource };
  }
}

/** dynalite on its own thread (LevelDB in `path`, or in memory), behind IAM, injecting faults into the functions' requests when asked. */
export class DynamoDbThread {
  private constructor(
    private readonly thread: EmulatorThread,
    /** Callers waiting for the request counts, in the order they asked. */
    private readonly counts: ((requests: Record<string, number>) => void)[],
  ) {}

  static async start(path: string | undefined, faults: FaultInjector, iam: LocalIam, clock: VirtualClock): Promise<DynamoDbThread> {
    const counts: ((requests: Record<string, number>) => void)[] = [];
    const thread = await EmulatorThread.start(
      new URL('./dynamodb-worker.mjs', import.meta.url),
      {
        path,
        region: iam.region,
        account: iam.account,
        clockBuffer: clock.buffer,
        faultRate: faults.spec.dynamodb,
        crashBetween: faults.spec.crashBetween,
        faultSeed: faults.spec.seed + 1,
      },
      (message) => (message.requests ? counts.shift()?.(message.requests as Record<string, number>) : faults.count(message.fault)),
      iam,
    );
    return new DynamoDbThread(thread, counts);
  }

  get url(): string {
    return this.thread.url;
  }

  /** Authorizations decided at the thread's gate. */
  iamChecks(): Promise<number> {
    return this.thread.iamChecks();
  }

  /** Requests served so far, by operation (for cost figures). */
  requests(): Promise<Record<string, number>> {
    return new Promise((resolve) => {
      this.counts.push(resolve);
      this.thread.post('requests');
    });
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}

/**
 * aws-ses-v2-local on its own thread, with its web inbox; it tells of every email it accepts, so
 * that what SES publishes about it (bounces, complaints) can be delivered.
 */
export class SesThread {
  private constructor(
    private readonly thread: EmulatorThread,
    private readonly listeners: ((sent: SentEmail) => void)[],
  ) {}

  static async start(port: number, clock: VirtualClock, faults: FaultInjector, iam: LocalIam): Promise<SesThread> {
    const listeners: ((sent: SentEmail) => void)[] = [];
    const thread = await EmulatorThread.start(
      new URL('./ses-worker.mjs', import.meta.url),
      { port, region: iam.region, account: iam.account, clockBuffer: clock.buffer, faultRate: faults.spec.ses, faultSeed: faults.spec.seed + 2 },
      (message) => (message.sent ? listeners.forEach((listener) => listener(message.sent as SentEmail)) : faults.count(message.fault)),
      iam,
    ).catch((error: Error) => {
      throw new Error(`the inbox cannot start: ${error.message} (choose another port with --inbox-port)`);
    });
    return new SesThread(thread, listeners);
  }

  get url(): string {
    return this.thread.url;
  }

  /** Authorizations decided at the thread's gate. */
  iamChecks(): Promise<number> {
    return this.thread.iamChecks();
  }

  /** Identities (addresses and domains) the account has verified, added to those it had: SES sends from these only. */
  verifyIdentities(identities: string[]): void {
    this.thread.post({ identities });
  }

  /** Calls `listener` with each email SES accepts from now on. */
  onSent(listener: (sent: SentEmail) => void): void {
    this.listeners.push(listener);
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}

/** A user of the local identity provider: one per console role. */
export interface LocalUser {
  subject: string;
  /** Their email, which they sign in with. */
  username: string;
  password: string;
  groups: string[];
  /** Claims of their own, over the usual ones (an unverified email, say). */
  claims?: Record<string, unknown>;
}

/**
 * The local identity provider (oidc-provider) on its own thread and the local cloud's clock: the
 * console's one client, registered with its callback, and the users who may sign in.
 */
export class IdentityProviderThread {
  private constructor(private readonly thread: EmulatorThread) {}

  static async start(
    clock: VirtualClock,
    /** `clientJwks`: the client's public keys, for a client that authenticates with private_key_jwt; none for a public client. */
    settings: { port?: number; clientId: string; redirectUri: string; rolesClaim: string; users: LocalUser[]; clientJwks?: { keys: object[] } },
  ): Promise<IdentityProviderThread> {
    const thread = await EmulatorThread.start(new URL('./oidc-worker.mjs', import.meta.url), { ...settings, clockBuffer: clock.buffer }, () => {});
    return new IdentityProviderThread(thread);
  }

  /** The issuer's URL: discovery is at /.well-known/openid-configuration under it. */
  get issuer(): string {
    return String(this.thread.ready.issuer);
  }

  stop(): Promise<void> {
    return this.thread.stop();
  }
}
