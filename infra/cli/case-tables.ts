import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoAuditLog, type AuditLog } from '#shared/store/audit-log.ts';
import { DynamoCaseStore, type CaseStore } from '#shared/store/case-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { STACK_NAME } from '../app.ts';
import { readJsonFile, withStoredCloud } from './files.ts';

/** Where staff commands read cases: a local data directory, or a deployed stack. */
export type CaseSource = { dataDir: string } | { awsOutputs: string };

export interface CaseTables {
  cases: CaseStore;
  audit: AuditLog;
  sfn: SFNClient;
  /** How the source is named in messages. */
  name: string;
}

/** The stack outputs `npx cdk deploy --outputs-file F` wrote: the table names staff commands read. */
async function deployedTables(file: string): Promise<{ casesTable: string; auditTable: string }> {
  const outputs = (await readJsonFile(file, 'stack outputs')) as Record<string, Record<string, string> | undefined>;
  const stack = outputs?.[STACK_NAME];
  if (!stack?.CasesTable || !stack.AuditTable) {
    throw new Error(`${file} has no ${STACK_NAME}.CasesTable and ${STACK_NAME}.AuditTable: write it with npx cdk deploy --outputs-file ${file}`);
  }
  return { casesTable: stack.CasesTable, auditTable: stack.AuditTable };
}

/**
 * Runs `work` over the cases and audit tables and the Step Functions API of a source: the local
 * cloud over a data directory, or AWS with the caller's credentials and region (the same calls).
 */
export async function withCaseTables<T>(source: CaseSource, work: (tables: CaseTables) => Promise<T>): Promise<T> {
  if ('dataDir' in source) {
    return withStoredCloud(source.dataDir, async (cloud) => {
      const sfn = new SFNClient(cloud.clientConfig('sfn'));
      try {
        return await work({ ...cloud.stores(), sfn, name: source.dataDir });
      } finally {
        sfn.destroy();
      }
    });
  }
  const { casesTable, auditTable } = await deployedTables(source.awsOutputs);
  const dynamodb = new DynamoDBClient({});
  const db = documentClient(dynamodb);
  const sfn = new SFNClient({});
  try {
    return await work({
      cases: new DynamoCaseStore(db, casesTable),
      audit: new DynamoAuditLog(db, auditTable),
      sfn,
      name: `the stack in ${source.awsOutputs}`,
    });
  } finally {
    dynamodb.destroy();
    sfn.destroy();
  }
}
