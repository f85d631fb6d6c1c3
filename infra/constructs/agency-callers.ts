import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import { tableActions, type Binding } from './bindings.ts';

/** The sessions table to a function that checks a session's token and remembers IAM callers' used proofs in it. */
const checkSessionsAndProofs = tableActions('GetItem', 'PutItem');

/**
 * The environment of a function that acts for the agency (a decision, a relisting, a new link,
 * marketplace administration): the console's sessions, and what an IAM caller's proof must name,
 * this stack (its id, unique to this deployment) and its account.
 */
export function agencyCallers(scope: IConstruct, sessions: ITable): { SESSIONS_TABLE: Binding; CALLER_AUDIENCE: string; CALLER_ACCOUNT: string } {
  const stack = Stack.of(scope);
  return { SESSIONS_TABLE: checkSessionsAndProofs(sessions), CALLER_AUDIENCE: stack.stackId, CALLER_ACCOUNT: stack.account };
}
