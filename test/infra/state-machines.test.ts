import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '#infra/app.ts';
import { TemplateResolver, type Template } from '#infra/local-cloud/template.ts';

type State = {
  Type: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
};

/** Every state of a definition, with the Map state it sits in (if any). */
function statesOf(states: Record<string, State>, inside?: State): { name: string; state: State; inside?: State }[] {
  return Object.entries(states).flatMap(([name, state]) => {
    const nested = state.ItemProcessor?.States ?? state.Iterator?.States;
    return [{ name, state, inside }, ...(nested ? statesOf(nested, state) : [])];
  });
}

const recordsFailure = (state: State | undefined) => state?.Catch?.at(-1)?.ErrorEquals.join() === 'States.ALL' && state.Catch.at(-1)?.Next === 'RecordFailure';

describe('the state machines as synthesized', () => {
  const { app } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = app.synth().getStackByName(STACK_NAME).template as Template;
  const resolver = new TemplateResolver(template, { region: 'us-east-1', account: '000000000000', stackName: STACK_NAME });
  const machines = resolver.ofType('AWS::StepFunctions::StateMachine').map(([id, m]) => ({
    id,
    definition: JSON.parse(String(resolver.resolve(m.Properties!.DefinitionString))) as { States: Record<string, State> },
  }));

  it('pass asl-validator', () => {
    expect(machines).toHaveLength(3);
    for (const { id, definition } of machines) {
      const result = aslValidator(definition, { checkArn: true, checkPaths: true });
      expect(result.errors, id).toEqual([]);
      expect(result.isValid).toBe(true);
    }
  });

  it('retry every task with backoff, a ceiling and full jitter', () => {
    for (const { id, definition } of machines) {
      const tasks = statesOf(definition.States).filter(({ state }) => state.Type === 'Task');
      expect(tasks.length, id).toBeGreaterThan(0);
      for (const { name, state } of tasks) {
        expect(state.Retry?.length, `${id} ${name}`).toBeGreaterThan(0);
        for (const retry of state.Retry ?? []) {
          // A retrier that never retries hands one named error straight to the Catch (it comes before the catch-all).
          if (retry.MaxAttempts === 0) {
            expect(retry.ErrorEquals, `${id} ${name}`).not.toContain('States.TaskFailed');
            continue;
          }
          expect(retry, `${id} ${name}`).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL', MaxDelaySeconds: 60 });
          expect(retry.MaxAttempts).toBeGreaterThanOrEqual(3);
        }
      }
    }
  });

  it("catch every task's last error into RecordFailure, which records it and alerts staff, then fails", () => {
    for (const { id, definition } of machines) {
      for (const { name, state, inside } of statesOf(definition.States).filter(({ state }) => state.Type === 'Task')) {
        if (name === 'RecordFailure') {
          // Recording itself failing ends the execution at once.
          expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordingFailure', Next: 'Failed' }]);
          continue;
        }
        // A task inside a Map fails its iteration; the Map's own Catch records it.
        expect(recordsFailure(inside ?? state), `${id} ${name}`).toBe(true);
      }
      expect(definition.States.RecordFailure).toMatchObject({ Type: 'Task', Next: 'Failed' });
      expect(definition.States.Failed).toMatchObject({ Type: 'Fail' });
    }
  });
});
