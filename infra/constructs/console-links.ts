import { Aws } from 'aws-cdk-lib';

/** Where staff see one case in AWS: its execution in the Step Functions console (`{executionArn}` is filled in). */
export const EXECUTION_URL_TEMPLATE = `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{executionArn}`;

/** Where staff see many: the case workflow's executions, which the console cannot filter by marketplace or status. */
export const executionListUrl = (stateMachineArn: string) =>
  `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/statemachines/view/${stateMachineArn}`;
