/**
 * Injected into the bundled aws-local-stepfunctions in place of the globals `setTimeout`,
 * `clearTimeout` and `Date`, so every Wait, Retry and TimeoutSeconds of the engine runs on the
 * local cloud's virtual clock (and never overflows Node's 24.8-day timer limit).
 */
export interface EngineClock {
  now(): number;
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

let bound: EngineClock | undefined;

export function bindEngineClock(clock: EngineClock): void {
  bound = clock;
}

function clock(): EngineClock {
  if (!bound) throw new Error('the Step Functions engine runs without a clock: call bindEngineClock first');
  return bound;
}

const SystemDate = globalThis.Date;

class EngineDate extends SystemDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    if (args.length === 0) super(clock().now());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return clock().now();
  }
}

function engineSetTimeout(fire: () => void, ms?: number): unknown {
  return clock().setTimeout(fire, ms ?? 0);
}

function engineClearTimeout(handle: unknown): void {
  clock().clearTimeout(handle);
}

// The engine calls Promise.withResolvers (Node 22); this runtime may be Node 20.
if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export { engineSetTimeout as setTimeout, engineClearTimeout as clearTimeout, EngineDate as Date };
