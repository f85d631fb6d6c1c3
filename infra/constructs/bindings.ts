import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';

/** Something a function may do, granted to its role. */
export type Grant = (grantee: IGrantable) => void;

/**
 * An environment variable that names a resource, with what the function may do with it: the
 * variable and the grant are declared together, so they cannot drift apart.
 */
export interface Binding {
  readonly value: string;
  readonly grant: Grant;
}

export const readTable = (table: ITable): Binding => ({ value: table.tableName, grant: (g) => table.grantReadData(g) });
export const writeTable = (table: ITable): Binding => ({ value: table.tableName, grant: (g) => table.grantWriteData(g) });
export const readWriteTable = (table: ITable): Binding => ({ value: table.tableName, grant: (g) => table.grantReadWriteData(g) });

/** A table with these DynamoDB actions only (on the table and its indexes). */
export const tableActions =
  (...actions: string[]) =>
  (table: ITable): Binding => ({ value: table.tableName, grant: (g) => table.grant(g, ...actions.map((a) => `dynamodb:${a}`)) });

/**
 * The audit log, append-only: new entries (PutItem, each conditional on its key being free) and
 * reads of entries by key (an outbox's entries checked after a crash). No role updates or deletes
 * an entry; BatchWriteItem, which cannot be made conditional, is left out too.
 */
export const appendAudit = tableActions('PutItem', 'BatchGetItem');
/** Marketplaces read and stored whole, each write on the condition of the version read; never deleted: one is deactivated. */
export const storeMarketplaces = tableActions('GetItem', 'PutItem');
/**
 * API keys issued (the key and its id, each written once) and revoked by id (the id's item read,
 * the key updated); never deleted. Scan finds a key of the old id form, which has no id item.
 */
export const storeApiKeys = tableActions('GetItem', 'PutItem', 'UpdateItem', 'Scan');
/** A marketplace's API keys, listed through the byMarketplace index; nothing else of the table. */
export const listApiKeys = tableActions('Query');
/** Cases opened (the notice), read and changed; never deleted. */
export const openCases = tableActions('GetItem', 'PutItem', 'UpdateItem');
/** Cases read and changed; never created or deleted. */
export const updateCases = tableActions('GetItem', 'UpdateItem');
/** Cases read and changed by an answer from outside (and listed by marketplace); never created or deleted. */
export const answerCases = tableActions('GetItem', 'UpdateItem', 'Query');
/** Refusals counted in the Bookkeeping table, and nothing else of it. */
export const countRefusals = tableActions('UpdateItem');
/** The console's sessions, to the functions it invokes: they check the session passed, and change nothing. */
export const checkSessions = tableActions('GetItem');
export const readSecret = (secret: ISecret): Binding => ({ value: secret.secretArn, grant: (g) => secret.grantRead(g) });
export const startExecutions = (machine: IStateMachine): Binding => ({ value: machine.stateMachineArn, grant: (g) => machine.grantStartExecution(g) });
/** A workflow by its ARN (built from its name, before it exists), with leave to start its executions. */
export const startExecutionsOf = (stateMachineArn: string): Binding => ({
  value: stateMachineArn,
  grant: (g) => g.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] })),
});

/**
 * The sender address, with leave to send from its SES identity through the configuration set:
 * SES authorizes a send on both (a grant on the identity alone is refused, aws/aws-cdk#34402).
 */
export const sendFrom = (address: string, mail: { identityArn: string; configurationSetArn: string }): Binding => ({
  value: address,
  grant: (g) =>
    g.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [mail.identityArn, mail.configurationSetArn] })),
});

/** Leave to resume a workflow's callback tasks (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat). */
export const taskResponses =
  (...stateMachineArns: string[]): Grant =>
  (grantee) =>
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: stateMachineArns }),
    );

export function isBinding(value: string | Binding): value is Binding {
  return typeof value === 'object';
}

/** Reading the history of any execution of these state machines. */
export function readHistories(stateMachineArns: string[]): Grant {
  return (grantee) => {
    const stack = Stack.of(grantee as unknown as IConstruct);
    const executions = stateMachineArns.map((arn) => {
      const machine = stack.splitArn(arn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
      return stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machine}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:GetExecutionHistory', 'states:DescribeExecution'], resources: executions }),
    );
  };
}
