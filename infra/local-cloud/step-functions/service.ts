import { randomBytes } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { VirtualClock } from '../virtual-clock.ts';
import type { Engine } from './engine.ts';
import { History, redactTokens, type HistoryEvent } from './history.ts';

/** An error of the Step Functions API, named as AWS names it (`__type`). */
export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** An error a state fails with: its name is what Retry and Catch match. */
export function stateError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

/**
 * Runs a Task state's resource (without the `.waitForTaskToken` suffix) with its resolved
 * Parameters: every resource but Step Functions' own StartExecution, which the service runs.
 */
export type TaskInvoker = (resource: string, parameters: unknown) => Promise<unknown>;

/**
 * Whether a state machine's role may do `action` on `resource`: undefined if it may, or AWS's
 * AccessDenied message. Step Functions calls every integration with the state machine's role.
 */
export type TaskAuthorizer = (roleArn: string, action: string, resource: string) => Promise<string | undefined>;

const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** What an integration asks of IAM, and the error its service's AccessDenied becomes in the state (as Step Functions names them). */
function integrationAccess(resource: string, parameters: unknown, region: string, account: string) {
  const p = (parameters ?? {}) as { FunctionName?: string; StateMachineArn?: string };
  const lambda = (name: string) => ({
    action: 'lambda:InvokeFunction',
    resource: name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${account}:function:${name}`,
    error: 'Lambda.AWSLambdaException',
    service: 'AWSLambda',
    status: 403,
  });
  if (resource === LAMBDA_INVOKE) return lambda(String(p.FunctionName));
  if (resource.startsWith('arn:aws:lambda:')) return lambda(resource);
  if (resource === START_EXECUTION)
    return {
      action: 'states:StartExecution',
      resource: String(p.StateMachineArn),
      error: 'StepFunctions.AWSStepFunctionsException',
      service: 'AWSStepFunctions',
      status: 400,
    };
  return undefined;
}

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What an execution is, whether running here or kept from an earlier run. */
interface ExecutionFields {
  arn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

export interface ExecutionSnapshot extends ExecutionFields {
  stateMachineArn: string;
  events: HistoryEvent[];
}

interface TaskStateDefinition {
  Type: 'Task';
  Resource: string;
  HeartbeatSeconds?: number;
}

interface StateMachineRecord {
  arn: string;
  name: string;
  roleArn: string;
  definition: StateMachineDefinition;
  taskStates: Map<string, TaskStateDefinition>;
  /** The engine's machine; none for a state machine known only from the executions kept of it. */
  machine?: InstanceType<Engine['StateMachine']>;
  createdAt: number;
}

interface Execution extends ExecutionFields {
  stateMachine: StateMachineRecord;
  history: History;
  tokens: Set<string>;
  abort?: () => void;
}

interface TaskToken {
  token: string;
  execution: Execution;
  state: 'issued' | 'waiting' | 'closed';
  stateName?: string;
  settle?: { resolve: (output: unknown) => void; reject: (error: Error) => void };
  heartbeat?: { seconds: number; timer?: unknown };
}

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
/** Step Functions' rule for execution names: 1 to 80 characters, none of them special or control. */
function validName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 80 &&
    !NAME_FORBIDDEN.test(name) &&
    ![...name].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f))
  );
}

function collectTaskStates(definition: { States: Record<string, unknown> }, into = new Map<string, TaskStateDefinition>()): Map<string, TaskStateDefinition> {
  for (const [name, state] of Object.entries(definition.States) as [string, Record<string, unknown>][]) {
    if (state.Type === 'Task') into.set(name, state as unknown as TaskStateDefinition);
    for (const nested of [state.ItemProcessor, state.Iterator, ...((state.Branches as unknown[]) ?? [])]) {
      if (nested) collectTaskStates(nested as { States: Record<string, unknown> }, into);
    }
  }
  return into;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/**
 * The local Step Functions service: runs the synthesized definitions on aws-local-stepfunctions
 * and adds what the library lacks: task tokens and callbacks, heartbeats, an execution registry
 * with AWS-shaped histories, and the API (start, describe, stop, list, history, task responses).
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, TaskToken>();
  /** Every execution's completion, so callers can wait for the system to finish. */
  private readonly running = new Set<Promise<void>>();
  private readonly endListeners: ((execution: ReturnType<StepFunctionsService['describeExecution']>) => void)[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly clock: VirtualClock,
    private readonly invokeTask: TaskInvoker,
    private readonly region: string,
    private readonly account: string,
    private readonly authorizeTask: TaskAuthorizer = async () => undefined,
  ) {}

  createStateMachine(arn: string, name: string, roleArn: string, definition: StateMachineDefinition): void {
    // The engine writes defaults (QueryLanguage) into what it is given: keep the synthesized text intact.
    const machine = new this.engine.StateMachine(structuredClone(definition), { validationOptions: { checkArn: true, checkPaths: true } });
    this.machines.set(arn, { arn, name, roleArn, definition, taskStates: collectTaskStates(definition), machine, createdAt: this.clock.now() });
  }

  stateMachine(arn: string): { arn: string; name: string; definition: StateMachineDefinition } {
    const record = this.machines.get(arn);
    if (!record) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  listStateMachines(): { arn: string; name: string; createdAt: number }[] {
    return [...this.machines.values()].map(({ arn, name, createdAt }) => ({ arn, name, createdAt }));
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: number } {
    const machine = this.machines.get(request.stateMachineArn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? crypto.randomUUID();
    if (!validName(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = request.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
    }
    const arn = `arn:aws:states:${this.region}:${this.account}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // As in AWS: the same name and input while running is the same execution.
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn: arn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution: Execution = {
      arn,
      name,
      stateMachine: machine,
      input: inputText,
      status: 'RUNNING',
      startDate: this.clock.now(),
      history: new History(() => this.clock.now()),
      tokens: new Set(),
    };
    this.executions.set(arn, execution);
    this.run(execution, input);
    return { executionArn: arn, startDate: execution.startDate };
  }

  private run(execution: Execution, input: unknown): void {
    const issueToken = () => this.issueToken(execution);
    const handlers = Object.fromEntries(
      [...execution.stateMachine.taskStates].map(([stateName, state]) => [
        stateName,
        (parameters: unknown) => this.runTask(execution, stateName, state, parameters),
      ]),
    );
    const { machine } = execution.stateMachine;
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${execution.stateMachine.arn}'`);
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: execution.arn, Name: execution.name, RoleArn: execution.stateMachine.roleArn },
        StateMachine: { Id: execution.stateMachine.arn, Name: execution.stateMachine.name },
        // Read once per state entry, as `$$.Task.Token` in Parameters: each read issues a new token.
        Task: {
          get Token() {
            return issueToken();
          },
        },
      },
    });
    execution.abort = run.abort;
    const events = this.recordEvents(execution, run.eventLogs as AsyncGenerator<never>);
    const finished = run.result.then(
      (output) => {
        if (execution.status !== 'RUNNING') return;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output ?? null);
      },
      (error: Error & { cause?: { name?: string; message?: string } }) => {
        if (execution.status !== 'RUNNING') return;
        if (error.name === 'ExecutionTimeoutError') {
          execution.status = 'TIMED_OUT';
        } else {
          execution.status = 'FAILED';
          execution.error = error.cause?.name ?? error.name;
          execution.cause = error.cause?.message ?? error.message;
        }
      },
    );
    const done = Promise.all([finished, events]).then(() => {
      execution.stopDate ??= this.clock.now();
      this.closeTokens(execution);
      this.running.delete(done);
      for (const listener of this.endListeners) listener(this.describeExecution(execution.arn));
    });
    this.running.add(done);
  }

  /** Turns the engine's event log into the AWS history events staff read. */
  private async recordEvents(execution: Execution, events: AsyncGenerator<Record<string, unknown> & { type: string; timestamp: number }>): Promise<void> {
    const { history } = execution;
    const redacted = (value: unknown) => redactTokens(value, execution.tokens);
    for await (const event of events) {
      const state = event.state as { name: string; type: string; input?: unknown; output?: unknown } | undefined;
      const at = event.timestamp;
      switch (event.type) {
        case 'ExecutionStarted':
          history.add('ExecutionStarted', { executionStartedEventDetails: { input: redacted(event.input), roleArn: execution.stateMachine.roleArn } }, at);
          break;
        case 'StateEntered':
          history.add(`${state!.type}StateEntered`, { stateEnteredEventDetails: { name: state!.name, input: redacted(state!.input) } }, at);
          break;
        case 'StateExited':
          this.closeTokens(execution, state!.name);
          history.add(`${state!.type}StateExited`, { stateExitedEventDetails: { name: state!.name, output: redacted(state!.output) } }, at);
          break;
        case 'StateFailed': {
          this.closeTokens(execution, state!.name);
          const error = String(event.Error);
          const cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? '');
          if (state!.type === 'Task') {
            const resource = execution.stateMachine.taskStates.get(state!.name)?.Resource ?? '';
            const timedOut = error === 'States.Timeout' || error === 'States.HeartbeatTimeout';
            history.add(
              timedOut ? 'TaskTimedOut' : 'TaskFailed',
              { [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: { resource, error, cause } },
              at,
            );
          } else {
            history.add(`${state!.type}StateFailed`, { stateFailedEventDetails: { name: state!.name, error, cause } }, at);
          }
          break;
        }
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed':
          history.add(event.type, { mapIterationEventDetails: { name: (event.parentState as { name: string }).name, index: event.index } }, at);
          break;
        case 'ExecutionSucceeded':
          execution.stopDate = at;
          history.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: redacted(event.output) } }, at);
          break;
        case 'ExecutionFailed':
          execution.stopDate = at;
          history.add('ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: event.Cause } }, at);
          break;
        case 'ExecutionAborted':
          execution.stopDate = at;
          history.add('ExecutionAborted', { executionAbortedEventDetails: { error: execution.error, cause: execution.cause } }, at);
          break;
        case 'ExecutionTimeout':
          execution.stopDate = at;
          history.add('ExecutionTimedOut', {}, at);
          break;
      }
    }
  }

  private issueToken(execution: Execution): string {
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    this.tokens.set(token, { token, execution, state: 'issued' });
    execution.tokens.add(token);
    return token;
  }

  /** The token a `.waitForTaskToken` state put in its Parameters, now waiting for its callback. */
  private claimToken(execution: Execution, stateName: string, parameters: unknown, heartbeatSeconds?: number): TaskToken & { promise: Promise<unknown> } {
    const text = JSON.stringify(parameters);
    const record = [...execution.tokens].map((t) => this.tokens.get(t)!).find((t) => t.state === 'issued' && text.includes(t.token));
    if (!record) throw stateError('States.Runtime', `${stateName} waits for a task token but its Parameters do not pass $$.Task.Token`);
    const promise = new Promise<unknown>((resolve, reject) => {
      record.settle = { resolve, reject };
    });
    record.state = 'waiting';
    record.stateName = stateName;
    if (heartbeatSeconds) {
      record.heartbeat = { seconds: heartbeatSeconds };
      this.armHeartbeat(record);
    }
    return Object.assign(record, { promise });
  }

  private armHeartbeat(record: TaskToken): void {
    if (!record.heartbeat) return;
    this.clock.clearTimeout(record.heartbeat.timer as never);
    record.heartbeat.timer = this.clock.setTimeout(() => {
      if (record.state !== 'waiting') return;
      record.state = 'closed';
      record.settle?.reject(stateError('States.HeartbeatTimeout', `no heartbeat for ${record.heartbeat!.seconds} seconds`));
    }, record.heartbeat.seconds * 1000);
  }

  private closeTokens(execution: Execution, stateName?: string): void {
    for (const token of execution.tokens) {
      const record = this.tokens.get(token)!;
      if (record.state === 'closed' || (stateName !== undefined && record.stateName !== stateName)) continue;
      record.state = 'closed';
      this.clock.clearTimeout(record.heartbeat?.timer as never);
    }
  }

  /** The StartExecution integration: a name already taken fails the state with StepFunctions.ExecutionAlreadyExistsException. */
  private startFromTask(parameters: unknown): { ExecutionArn: string; StartDate: string } {
    const { StateMachineArn, Name, Input } = parameters as { StateMachineArn: string; Name?: string; Input?: unknown };
    try {
      const started = this.startExecution({ stateMachineArn: StateMachineArn, name: Name, input: JSON.stringify(Input ?? {}) });
      return { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate).toISOString() };
    } catch (error) {
      if (error instanceof StepFunctionsError) throw stateError(`StepFunctions.${error.code}Exception`, error.message);
      throw error;
    }
  }

  private async runTask(execution: Execution, stateName: string, state: TaskStateDefinition, parameters: unknown): Promise<unknown> {
    const callback = state.Resource.endsWith('.waitForTaskToken');
    const resource = state.Resource.replace(/\.waitForTaskToken$/, '');
    const token = callback ? this.claimToken(execution, stateName, parameters, state.HeartbeatSeconds) : undefined;
    const result = await this.clock.track(async () => {
      // Let the history catch up with the state's entry before the task's own events.
      await nextMacrotask();
      execution.history.add('TaskScheduled', {
        taskScheduledEventDetails: { resource: state.Resource, region: this.region, parameters: redactTokens(parameters, execution.tokens) },
      });
      execution.history.add('TaskStarted', { taskStartedEventDetails: { resource: state.Resource } });
      await this.authorizeIntegration(execution, resource, parameters);
      return resource === START_EXECUTION ? this.startFromTask(parameters) : this.invokeTask(resource, parameters);
    });
    if (!token) {
      execution.history.add('TaskSucceeded', { taskSucceededEventDetails: { resource: state.Resource, output: JSON.stringify(result ?? null) } });
      return result;
    }
    execution.history.add('TaskSubmitted', { taskSubmittedEventDetails: { resource: state.Resource, output: JSON.stringify(result ?? null) } });
    const output = await token.promise;
    execution.history.add('TaskSucceeded', { taskSucceededEventDetails: { resource: state.Resource, output: JSON.stringify(output ?? null) } });
    return output;
  }

  /** The integration's call, authorized for the state machine's role; a denial fails the state as the service's error. */
  private async authorizeIntegration(execution: Execution, resource: string, parameters: unknown): Promise<void> {
    const access = integrationAccess(resource, parameters, this.region, this.account);
    if (!access) return;
    const denied = await this.authorizeTask(execution.stateMachine.roleArn, access.action, access.resource);
    if (!denied) return;
    const requestId = crypto.randomUUID();
    throw stateError(
      access.error,
      `${denied} (Service: ${access.service}; Status Code: ${access.status}; Error Code: AccessDeniedException; Request ID: ${requestId}; Proxy: null)`,
    );
  }

  private waitingToken(token: string): TaskToken {
    const record = this.tokens.get(token);
    if (!record) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    if (record.state !== 'waiting') throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: the task no longer waits for this token');
    return record;
  }

  /** The state machine whose execution issued a token (AWS authorizes its task responses there); undefined for a token never issued. */
  tokenStateMachine(token: string): string | undefined {
    return this.tokens.get(token)?.execution.stateMachine.arn;
  }

  /** Every task token this service has issued, for checks that none leaks into mail, pages or logs. */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  sendTaskSuccess(token: string, output: string): void {
    const record = this.waitingToken(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: the output is not JSON');
    }
    record.state = 'closed';
    this.clock.clearTimeout(record.heartbeat?.timer as never);
    record.settle!.resolve(parsed);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    const record = this.waitingToken(token);
    record.state = 'closed';
    this.clock.clearTimeout(record.heartbeat?.timer as never);
    record.settle!.reject(stateError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    this.armHeartbeat(this.waitingToken(token));
  }

  stopExecution(arn: string, error?: string, cause?: string): { stopDate: number } {
    const execution = this.execution(arn);
    if (execution.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.error = error;
      execution.cause = cause;
      execution.stopDate = this.clock.now();
      this.closeTokens(execution);
      execution.abort?.();
    }
    return { stopDate: execution.stopDate ?? this.clock.now() };
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  describeExecution(arn: string) {
    const e = this.execution(arn);
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachine.arn,
      name: e.name,
      status: e.status,
      startDate: seconds(e.startDate),
      stopDate: seconds(e.stopDate),
      input: e.input,
      inputDetails: { included: true },
      output: e.output,
      outputDetails: e.output === undefined ? undefined : { included: true },
      error: e.error,
      cause: e.cause,
    };
  }

  listExecutions(stateMachineArn: string, statusFilter?: string) {
    this.stateMachine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachine.arn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate - a.startDate)
      .map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.stateMachine.arn,
        name: e.name,
        status: e.status,
        startDate: seconds(e.startDate),
        stopDate: seconds(e.stopDate),
      }));
  }

  history(arn: string): HistoryEvent[] {
    return this.execution(arn).history.events;
  }

  /**
   * Every execution with its history, to keep across runs. A running one is kept as it stood:
   * its history reads, but it does not go on (its timers and tokens are not kept).
   */
  snapshot(): ExecutionSnapshot[] {
    return [...this.executions.values()].map(({ stateMachine, history, tokens: _tokens, abort: _abort, ...fields }) => ({
      ...fields,
      stateMachineArn: stateMachine.arn,
      events: history.events,
    }));
  }

  /**
   * Brings back executions from a snapshot; their names stay taken, as in AWS. Their histories read
   * before (or without) their state machine being created again.
   */
  restore(snapshot: ExecutionSnapshot[]): void {
    for (const { stateMachineArn, events, ...fields } of snapshot) {
      const stateMachine = this.machines.get(stateMachineArn) ?? {
        arn: stateMachineArn,
        name: stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1),
        roleArn: '',
        definition: { StartAt: '', States: {} } as unknown as StateMachineDefinition,
        taskStates: new Map(),
        createdAt: fields.startDate,
      };
      this.executions.set(fields.arn, { ...fields, stateMachine, history: new History(() => this.clock.now(), events), tokens: new Set() });
    }
  }

  /** Calls `listener` each time an execution ends, whatever its status. */
  onExecutionEnd(listener: (execution: ReturnType<StepFunctionsService['describeExecution']>) => void): void {
    this.endListeners.push(listener);
  }

  /** Resolves once every execution started so far has ended (manual clocks: drive time meanwhile). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }
}
