import { LambdaFunctionError } from './lambda-runtime.ts';
import { randomSource } from './random-source.mjs';

/**
 * Faults the local cloud can inject, each at a rate (0 to 1): transient DynamoDB errors
 * (throttling, internal errors), SES throttling ("Maximum sending rate exceeded"), function
 * crashes before and after their side effects (for Step Functions tasks and the HTTP API),
 * and callbacks (SendTaskSuccess, SendTaskFailure) that fail the first time.
 */
export interface FaultSpec {
  dynamodb: number;
  ses: number;
  crashBefore: number;
  crashAfter: number;
  /** A case change with audit entries whose invocation dies before the entries reach the log (the retry writes them). */
  crashBetween: number;
  callback: number;
  /** The random draws start from this, so a run can be repeated. */
  seed: number;
}

export const NO_FAULTS: FaultSpec = { dynamodb: 0, ses: 0, crashBefore: 0, crashAfter: 0, crashBetween: 0, callback: 0, seed: 1 };

const KINDS: Record<string, keyof FaultSpec> = {
  dynamodb: 'dynamodb',
  ses: 'ses',
  'crash-before': 'crashBefore',
  'crash-after': 'crashAfter',
  callback: 'callback',
  seed: 'seed',
};

/** `0.1` (every fault at 10%) or `dynamodb=0.1,ses=0.1,crash-before=0.05,crash-after=0.05,callback=0.1,seed=7`. */
export function parseFaults(text: string): FaultSpec {
  const rate = (value: string, what: string) => {
    const n = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || n < 0 || n > 0.9) throw new Error(`--faults: ${what} must be a rate from 0 to 0.9, got ${value}`);
    return n;
  };
  if (!text.includes('=')) {
    const all = rate(text, 'the rate');
    return { dynamodb: all, ses: all, crashBefore: all, crashAfter: all, crashBetween: all, callback: all, seed: 1 };
  }
  const spec = { ...NO_FAULTS };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=');
    const key = Object.hasOwn(KINDS, name.trim()) ? KINDS[name.trim()] : undefined;
    if (!key) throw new Error(`--faults: unknown fault "${name}"; give ${Object.keys(KINDS).join(', ')}`);
    if (key === 'seed') {
      if (!/^\d+$/.test(value)) throw new Error(`--faults: seed must be a whole number, got ${value}`);
      spec.seed = Number(value);
    } else spec[key] = rate(value.trim(), name);
  }
  return spec;
}

/** What was injected, by kind: the run's own account of its faults. */
export type FaultCounts = Record<Exclude<keyof FaultSpec, 'seed'>, number>;

export class FaultInjector {
  private readonly draw: () => number;
  readonly injected: FaultCounts = { dynamodb: 0, ses: 0, crashBefore: 0, crashAfter: 0, crashBetween: 0, callback: 0 };
  private readonly calledBack = new Set<string>();

  constructor(readonly spec: FaultSpec) {
    this.draw = randomSource(spec.seed);
  }

  /** Counts a fault an emulator's thread injected (`dynamodb` or `ses`). */
  count(kind: unknown): void {
    if (kind === 'dynamodb' || kind === 'ses' || kind === 'crashBetween') this.injected[kind]++;
  }

  /** Whether this call of `kind` fails; counted when it does. */
  strikes(kind: 'crashBefore' | 'crashAfter'): boolean {
    const hit = this.spec[kind] > 0 && this.draw() < this.spec[kind];
    if (hit) this.injected[kind]++;
    return hit;
  }

  /** Whether this callback fails: only the first call with a token may. */
  failsCallback(token: string): boolean {
    if (this.calledBack.has(token)) return false;
    this.calledBack.add(token);
    const hit = this.spec.callback > 0 && this.draw() < this.spec.callback;
    if (hit) this.injected.callback++;
    return hit;
  }
}

/** A function crash the local cloud injected: the caller sees Lambda's own error; logs leave it out. */
export class InjectedCrash extends LambdaFunctionError {
  constructor(when: 'before' | 'after') {
    super('Runtime.ExitError', `RequestId: injected Error: Runtime exited ${when} the handler ran`);
  }
}
