import type { StackOutputs } from './outputs.ts';

/** An IAM policy statement, as a cloud team attaches it to a user or role. */
interface OperatorStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

/** Where a stack is (`arn:aws:states:<region>:<account>:...`): from an ARN its outputs give. */
function locationOf(outputs: Pick<StackOutputs, 'CaseStateMachine'>): { partition: string; region: string; account: string } {
  const [, partition = 'aws', , region = '', account = ''] = outputs.CaseStateMachine.split(':');
  return { partition, region, account };
}

/**
 * What the CLI's `--aws` user needs, and nothing more: read the case, audit, recall and
 * marketplace tables (the staff commands' reads), read the case and stay-down executions'
 * histories, invoke the staff-reports function (the digest on demand), and invoke the API's
 * IAM-authorized routes (decisions, relistings, links, marketplaces and keys), where each change is
 * made by the stack's own functions and audited under this user's principal. It writes no table
 * and starts or answers no execution itself. The README lists it; the local cloud's operator has
 * exactly this policy.
 */
export function operatorPolicy(outputs: StackOutputs): { Version: '2012-10-17'; Statement: OperatorStatement[] } {
  const { partition, region, account } = locationOf(outputs);
  const table = (name: string) => `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
  const executions = (stateMachineArn: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:*`;
  const tables = [outputs.CasesTable, outputs.AuditTable, outputs.RecallsTable, outputs.MarketplacesTable].map(table);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadCasesAndTheirRecords',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: [...tables, `${table(outputs.CasesTable)}/index/*`],
      },
      {
        Sid: 'ReadExecutionHistories',
        Effect: 'Allow',
        Action: ['states:GetExecutionHistory', 'states:DescribeExecution'],
        Resource: [executions(outputs.CaseStateMachine), executions(outputs.StaydownStateMachine)],
      },
      {
        Sid: 'DigestOnDemand',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [`arn:${partition}:lambda:${region}:${account}:function:${outputs.StaffReportsFunction}`],
      },
      {
        Sid: 'AgencyRoutes',
        Effect: 'Allow',
        Action: ['execute-api:Invoke'],
        Resource: [outputs.DecisionRouteArn, outputs.RelistingRouteArn, outputs.LinkRouteArn, ...outputs.MarketplacesRouteArn.split(',')],
      },
    ],
  };
}
