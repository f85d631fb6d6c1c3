import { tracedDocumentClient } from './observability.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { DynamoCaseStore } from '#shared/store/case-store.ts';
import { DynamoMarketplaceStore } from '#shared/store/marketplace-store.ts';
import { DynamoRecallStore } from '#shared/store/recall-store.ts';

/** How long a container reuses a recall or marketplace it read: they change rarely, cases often. */
const READ_CACHE_MS = 60_000;

/**
 * Remembers `load`'s answers per key for a while, in this container only. The while is counted
 * on the monotonic clock, so it is a real minute even where the wall clock is virtual.
 */
function remembered<T>(load: (key: string) => Promise<T | undefined>): (key: string) => Promise<T | undefined> {
  const cache = new Map<string, { value: T | undefined; until: number }>();
  return async (key) => {
    const hit = cache.get(key);
    if (hit && hit.until > performance.now()) return hit.value;
    const value = await load(key);
    if (cache.size > 5_000) cache.clear();
    cache.set(key, { value, until: performance.now() + READ_CACHE_MS });
    return value;
  };
}

/** The DynamoDB stores a handler's environment names, built once per container. */
export function storesFrom(env: { CASES_TABLE?: string; RECALLS_TABLE?: string; MARKETPLACES_TABLE?: string; AUDIT_TABLE?: string }) {
  const db = tracedDocumentClient();
  const need = (name: string | undefined, variable: string): string => {
    if (!name) throw new Error(`${variable} is not set for this function`);
    return name;
  };
  return {
    cases: () => new DynamoCaseStore(db, need(env.CASES_TABLE, 'CASES_TABLE')),
    recalls: () => new DynamoRecallStore(db, need(env.RECALLS_TABLE, 'RECALLS_TABLE')),
    marketplaces: () => new DynamoMarketplaceStore(db, need(env.MARKETPLACES_TABLE, 'MARKETPLACES_TABLE')),
    /** Reads of recalls and marketplaces remembered for a minute: for functions that only read them. */
    cachedReads: () => {
      const recalls = new DynamoRecallStore(db, need(env.RECALLS_TABLE, 'RECALLS_TABLE'));
      const marketplaces = new DynamoMarketplaceStore(db, need(env.MARKETPLACES_TABLE, 'MARKETPLACES_TABLE'));
      return {
        recalls: Object.assign(recalls, { get: remembered<Recall>(recalls.get.bind(recalls)) }),
        marketplaces: Object.assign(marketplaces, { get: remembered<Marketplace>(marketplaces.get.bind(marketplaces)) }),
      };
    },
    audit: () => new DynamoAuditLog(db, need(env.AUDIT_TABLE, 'AUDIT_TABLE')),
  };
}
