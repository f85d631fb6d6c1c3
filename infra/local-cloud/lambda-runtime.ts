import { Worker } from 'node:worker_threads';
import type { VirtualClock } from './virtual-clock.ts';

export interface FunctionConfig {
  /** The function's name; its ARN is built from it. */
  name: string;
  bundleFile: string;
  handlerExport: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

/** Invocations of one function that run at once in its worker. */
const CONCURRENCY = 16;

/** The error a Lambda invocation ends with, as Step Functions and API Gateway see it. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(`${errorType}: ${errorMessage}`);
    this.name = errorType;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Runs each function in its own worker thread, with its own environment, like a Lambda sandbox. */
/** How much of each function's output is kept for `logs()`: its latest 2 MB. */
const LOG_LIMIT = 2_000_000;

export class LambdaRuntime {
  private readonly functions = new Map<string, FunctionConfig>();
  private readonly workers = new Map<string, { worker: Worker; pending: Map<number, Pending> }>();
  private nextId = 0;
  private readonly queues = new Map<string, { running: number; waiting: (() => void)[] }>();

  private readonly logged = new Map<string, string>();
  /** Invocations run so far, by function (for cost figures), and those that timed out. */
  readonly invocations = new Map<string, number>();
  readonly timeouts = new Map<string, number>();

  constructor(
    private readonly clock: VirtualClock,
    /** Also print what functions print (it is kept either way, as a log group keeps it). */
    private readonly echoLogs = false,
  ) {}

  private log(name: string, chunk: Buffer, out: NodeJS.WriteStream): void {
    if (this.echoLogs) out.write(chunk);
    const text = (this.logged.get(name) ?? '') + chunk.toString('utf8');
    this.logged.set(name, text.length > LOG_LIMIT ? text.slice(text.length - LOG_LIMIT) : text);
  }

  /** The latest output of a function (the last LOG_LIMIT characters), or of every function. */
  logs(name?: string): string {
    return name ? (this.logged.get(name) ?? '') : [...this.logged.values()].join('');
  }

  register(config: FunctionConfig): void {
    this.functions.set(config.name, config);
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  names(): string[] {
    return [...this.functions.keys()];
  }

  private environment(name: string): { worker: Worker; pending: Map<number, Pending> } {
    const existing = this.workers.get(name);
    if (existing) return existing;
    const config = this.functions.get(name);
    if (!config) throw new LambdaFunctionError('ResourceNotFoundException', `Function not found: ${name}`);
    const pending = new Map<number, Pending>();
    const worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      env: { ...config.environment, AWS_LAMBDA_FUNCTION_NAME: name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb) },
      workerData: {
        bundleFile: config.bundleFile,
        handlerExport: config.handlerExport,
        functionName: name,
        timeoutMs: config.timeoutSeconds * 1000,
        memoryMb: config.memoryMb,
        clockBuffer: this.clock.buffer,
      },
      stdout: true,
      stderr: true,
    });
    // What a function prints is kept as its log group would keep it (and echoed if asked).
    worker.stdout.on('data', (chunk: Buffer) => this.log(name, chunk, process.stdout));
    worker.stderr.on('data', (chunk: Buffer) => this.log(name, chunk, process.stderr));
    worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: { errorType: string; errorMessage: string; trace: string[] } }) => {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.result);
      else call.reject(new LambdaFunctionError(message.error!.errorType, message.error!.errorMessage, message.error!.trace));
    });
    worker.on('error', (error) => {
      for (const call of pending.values()) call.reject(new LambdaFunctionError('Runtime.ExitError', error.message));
      pending.clear();
      this.workers.delete(name);
    });
    const entry = { worker, pending };
    this.workers.set(name, entry);
    return entry;
  }

  /**
   * Invokes a function synchronously (RequestResponse); rejects with LambdaFunctionError. At
   * most CONCURRENCY invocations of a function run at once; the others wait their turn, and
   * the function's timeout counts from when it runs, as for separate Lambda sandboxes.
   */
  invoke(name: string, event: unknown): Promise<unknown> {
    return this.clock.track(async () => {
      const queue = this.queues.get(name) ?? { running: 0, waiting: [] as (() => void)[] };
      this.queues.set(name, queue);
      if (queue.running >= CONCURRENCY) await new Promise<void>((resolve) => queue.waiting.push(resolve));
      queue.running++;
      this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
      try {
        return await this.run(name, event);
      } finally {
        queue.running--;
        queue.waiting.shift()?.();
      }
    });
  }

  private run(name: string, event: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const { worker, pending } = this.environment(name);
      const id = this.nextId++;
      const timeoutMs = this.functions.get(name)!.timeoutSeconds * 1000;
      // Lambda's own timeout is real time, as in AWS.
      const timer = setTimeout(() => {
        pending.delete(id);
        this.timeouts.set(name, (this.timeouts.get(name) ?? 0) + 1);
        reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${timeoutMs / 1000} seconds`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, event: JSON.parse(JSON.stringify(event ?? null)) });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.terminate()));
    this.workers.clear();
  }
}
