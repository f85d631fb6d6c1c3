import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { DynamoCaseStore } from '#shared/store/case-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { DynamoMarketplaceStore } from '#shared/store/marketplace-store.ts';
import { DynamoRecallStore } from '#shared/store/recall-store.ts';

/** The DynamoDB stores a handler's environment names, built once per container. */
export function storesFrom(env: { CASES_TABLE?: string; RECALLS_TABLE?: string; MARKETPLACES_TABLE?: string; AUDIT_TABLE?: string }) {
  const db = documentClient();
  const need = (name: string | undefined, variable: string): string => {
    if (!name) throw new Error(`${variable} is not set for this function`);
    return name;
  };
  return {
    cases: () => new DynamoCaseStore(db, need(env.CASES_TABLE, 'CASES_TABLE')),
    recalls: () => new DynamoRecallStore(db, need(env.RECALLS_TABLE, 'RECALLS_TABLE')),
    marketplaces: () => new DynamoMarketplaceStore(db, need(env.MARKETPLACES_TABLE, 'MARKETPLACES_TABLE')),
    audit: () => new DynamoAuditLog(db, need(env.AUDIT_TABLE, 'AUDIT_TABLE')),
  };
}
