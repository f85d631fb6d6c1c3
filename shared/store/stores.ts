import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyStore } from './api-key-store.ts';
import { DynamoAuditLog } from './audit-log.ts';
import { DynamoCaseStore } from './case-store.ts';
import { IngestState } from './ingest-state.ts';
import { DynamoMarketplaceStore } from './marketplace-store.ts';
import { QuarantineStore } from './quarantine-store.ts';
import { DynamoRecallStore } from './recall-store.ts';
import { RefusalCounts } from './refusals.ts';
import { SessionStore } from './session-store.ts';

/** What a store may be built with besides its table: the audit log, for the changes that write entries. */
interface Built {
  audit?: DynamoAuditLog;
}

/** Each store, built over its table. */
const BUILDERS = {
  recalls: (db: DynamoDBDocumentClient, table: string) => new DynamoRecallStore(db, table),
  marketplaces: (db: DynamoDBDocumentClient, table: string) => new DynamoMarketplaceStore(db, table),
  cases: (db: DynamoDBDocumentClient, table: string, built: Built) => new DynamoCaseStore(db, table, built.audit),
  audit: (db: DynamoDBDocumentClient, table: string) => new DynamoAuditLog(db, table),
  quarantine: (db: DynamoDBDocumentClient, table: string) => new QuarantineStore(db, table),
  /** Ingestion's part of the Bookkeeping table: the hash index, pending starts, the watermark. */
  ingestState: (db: DynamoDBDocumentClient, table: string) => new IngestState(db, table),
  apiKeys: (db: DynamoDBDocumentClient, table: string) => new DynamoApiKeyStore(db, table),
  /** The Bookkeeping table's refusal counts (forged links, bad keys): apart from the audit log. */
  refusals: (db: DynamoDBDocumentClient, table: string) => new RefusalCounts(db, table),
  /** Staff sessions of the console, and sign-ins under way. */
  sessions: (db: DynamoDBDocumentClient, table: string) => new SessionStore(db, table),
};

export type StoreName = keyof typeof BUILDERS;
export type Stores<N extends StoreName = StoreName> = { [K in N]: ReturnType<(typeof BUILDERS)[K]> };

/** The stores over the tables named, one for each name given: `{ cases: 'CasesTable' }` gives `{ cases: DynamoCaseStore }`. */
export function openStores<T extends Partial<Record<StoreName, string>>>(db: DynamoDBDocumentClient, tables: T): Stores<Extract<keyof T, StoreName>> {
  const built: Built = { audit: tables.audit === undefined ? undefined : BUILDERS.audit(db, tables.audit) };
  const stores: Record<string, unknown> = built.audit ? { audit: built.audit } : {};
  for (const name of Object.keys(BUILDERS) as StoreName[]) {
    const table = tables[name];
    if (table !== undefined && name !== 'audit') stores[name] = BUILDERS[name](db, table, built);
  }
  return stores as Stores<Extract<keyof T, StoreName>>;
}
