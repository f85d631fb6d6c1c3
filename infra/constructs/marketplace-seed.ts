import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { parseMarketplaces, type Policy } from '#shared/marketplace.ts';

/** Reads and validates the marketplaces file named in the context; errors name the file, the field and the reason. */
export function loadMarketplacesFile(path: string, projectRoot: string, defaults?: Policy): ReturnType<typeof parseMarketplaces> {
  const full = resolve(projectRoot, path);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new Error(`marketplacesFile ${path}: ${(error as Error).message}`);
  }
  try {
    return parseMarketplaces(input, defaults);
  } catch (error) {
    throw new Error(`marketplacesFile ${path}: ${(error as Error).message}`);
  }
}

/** Writes the configured marketplaces into their table at deploy (and again whenever they change). */
export class MarketplaceSeed extends Construct {
  constructor(scope: Construct, id: string, props: { table: ITable; marketplaces: ReturnType<typeof parseMarketplaces> }) {
    super(scope, id);
    for (const marketplace of props.marketplaces) {
      const put = {
        service: 'DynamoDB',
        action: 'putItem',
        parameters: { TableName: props.table.tableName, Item: marshall(marketplace, { removeUndefinedValues: true }) },
        physicalResourceId: PhysicalResourceId.of(`marketplace-${marketplace.id}`),
      };
      new AwsCustomResource(this, marketplace.id, {
        onCreate: put,
        onUpdate: put,
        policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.table.tableArn] }),
        installLatestAwsSdk: false,
      });
    }
    // The provider function CDK shares across AwsCustomResources runs only at deploy.
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER);
    if (provider) {
      NagSuppressions.addResourceSuppressions(
        provider,
        [
          {
            id: 'AwsSolutions-IAM4',
            reason:
              "CDK's AwsCustomResource provider logs through AWSLambdaBasicExecutionRole (CloudWatch Logs writes only); it runs at deploy to write the marketplaces.",
            appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          },
          { id: 'AwsSolutions-L1', reason: "CDK's AwsCustomResource provider: its runtime is chosen by aws-cdk-lib." },
        ],
        true,
      );
    }
  }
}

/** The construct id aws-cdk-lib gives the AwsCustomResource provider singleton. */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';
