import { CLIENT_SETTINGS, tracedDocumentClient, traced } from './observability.ts';
import { SFNClient } from '@aws-sdk/client-sfn';
import type * as z from '#shared/schema.ts';
import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { IngestState } from '#shared/store/ingest-state.ts';
import { QuarantineStore } from '#shared/store/quarantine-store.ts';
import { DynamoRecallStore } from '#shared/store/recall-store.ts';
import type { ingestEnv } from '../ingest/env.ts';
import type { IngestDeps } from '../ingest/ingest-recalls.ts';

/** The stores and clients ingestion uses, from its environment. */
export function ingestDeps(env: z.infer<typeof ingestEnv>): Required<IngestDeps> {
  const db = tracedDocumentClient();
  return {
    recalls: new DynamoRecallStore(db, env.RECALLS_TABLE),
    state: new IngestState(db, env.INGEST_STATE_TABLE),
    quarantine: new QuarantineStore(db, env.QUARANTINE_TABLE),
    audit: new DynamoAuditLog(db, env.AUDIT_TABLE),
    start: { sfn: traced(new SFNClient(CLIENT_SETTINGS)), recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN },
  };
}
