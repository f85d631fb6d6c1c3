import { setImmediate as nextMacrotask } from 'node:timers/promises';

interface Timer {
  due: number;
  seq: number;
  fire: () => void;
  cleared: boolean;
}

export type TimerHandle = { readonly id: number };

/**
 * The local cloud's clock. In `manual` mode time stands still while anything is pending and
 * jumps to the next timer when asked (`run`); in `scaled` mode it runs `rate` times faster
 * than real time. Lambda workers read it from `buffer`: [rate, virtual anchor, real anchor].
 */
export class VirtualClock {
  readonly buffer = new SharedArrayBuffer(3 * Float64Array.BYTES_PER_ELEMENT);
  private readonly shared = new Float64Array(this.buffer);
  /** A binary min-heap by (due, seq); cleared timers are dropped when they reach the top. */
  private readonly timers: Timer[] = [];
  private readonly live = new Map<number, Timer>();
  private seq = 0;
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    start: Date,
    readonly mode: { kind: 'manual' } | { kind: 'scaled'; rate: number } = { kind: 'manual' },
  ) {
    this.shared[0] = mode.kind === 'scaled' ? mode.rate : 0;
    this.shared[1] = start.getTime();
    this.shared[2] = Date.now();
  }

  now(): number {
    return this.shared[1]! + (Date.now() - this.shared[2]!) * this.shared[0]!;
  }

  date(): Date {
    return new Date(this.now());
  }

  setTimeout(fire: () => void, ms: number): TimerHandle {
    const timer: Timer = { due: this.now() + Math.max(0, Number(ms) || 0), seq: this.seq++, fire, cleared: false };
    this.push(timer);
    this.live.set(timer.seq, timer);
    if (this.mode.kind === 'scaled') this.arm();
    return { id: timer.seq };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.live.get(handle.id);
    if (!timer) return;
    timer.cleared = true;
    this.live.delete(handle.id);
  }

  /** The virtual time of the next timer, if any. */
  nextTimer(): number | undefined {
    return this.peek()?.due;
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.timers;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.timers;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length && last) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && VirtualClock.before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && VirtualClock.before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }

  private peek(): Timer | undefined {
    while (this.timers[0]?.cleared) this.pop();
    return this.timers[0];
  }

  /**
   * Counts work in progress. Time does not jump while any is pending; a scaled clock pauses
   * too, so that a Lambda's real run time never eats a task's virtual timeout.
   */
  async track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    if (this.active++ === 0 && this.mode.kind === 'scaled') this.reanchor(0);
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      if (--this.active === 0) {
        if (this.mode.kind === 'scaled') {
          this.reanchor(this.mode.rate);
          this.arm();
        }
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    }
  }

  private reanchor(rate: number): void {
    this.shared[1] = this.now();
    this.shared[2] = Date.now();
    this.shared[0] = rate;
  }

  private async quiet(): Promise<void> {
    for (;;) {
      while (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      // Promise chains between states settle within a few turns of the event loop.
      for (let i = 0; i < 3; i++) await nextMacrotask();
      if (this.active === 0) return;
    }
  }

  private fireDue(): boolean {
    let fired = false;
    for (let next = this.peek(); next && next.due <= this.now(); next = this.peek()) {
      this.pop();
      this.live.delete(next.seq);
      fired = true;
      next.fire();
    }
    return fired;
  }

  /** Waits until nothing is pending and every timer due by now has fired; time does not move. */
  async settle(): Promise<void> {
    do await this.quiet();
    while (this.fireDue());
  }

  /**
   * Manual mode: lets time jump from timer to timer, settling in between, until no timer is
   * left, the next one lies beyond `until`, or `stop` says so. Returns the virtual time reached.
   */
  async run(options: { until?: Date; stop?: () => boolean | Promise<boolean> } = {}): Promise<Date> {
    if (this.mode.kind !== 'manual') throw new Error('run() drives a manual clock; a scaled clock runs by itself');
    const limit = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
    for (;;) {
      await this.settle();
      if (options.stop && (await options.stop())) break;
      const next = this.nextTimer();
      if (next === undefined || next > limit) {
        if (Number.isFinite(limit) && limit > this.now()) this.shared[1] = limit;
        break;
      }
      this.shared[1] = Math.max(next, this.now());
    }
    await this.settle();
    return this.date();
  }

  /** Scaled mode: one real timer, always for the earliest virtual one (re-armed in chunks). */
  private arm(): void {
    if (this.stopped) return;
    clearTimeout(this.realTimer);
    const next = this.nextTimer();
    if (next === undefined) return;
    const rate = this.shared[0]!;
    if (rate === 0) return;
    const wait = Math.min(2 ** 31 - 1, Math.max(0, Math.ceil((next - this.now()) / rate)));
    this.realTimer = setTimeout(() => {
      this.fireDue();
      this.arm();
    }, wait);
    this.realTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.realTimer);
    this.timers.length = 0;
    this.live.clear();
  }
}
