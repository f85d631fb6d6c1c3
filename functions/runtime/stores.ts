import type { Marketplace } from '#shared/marketplace.ts';
import type { Recall } from '#shared/recall.ts';
import { SendSlots } from '#shared/store/send-slots.ts';
import { openStores, type StoreName, type Stores } from '#shared/store/stores.ts';
import { tracedDocumentClient } from './clients.ts';

/** The variable that names each store's table in a function's environment. */
const TABLE_VARIABLES = {
  RECALLS_TABLE: 'recalls',
  MARKETPLACES_TABLE: 'marketplaces',
  CASES_TABLE: 'cases',
  AUDIT_TABLE: 'audit',
  QUARANTINE_TABLE: 'quarantine',
  BOOKKEEPING_TABLE: 'ingestState',
  API_KEYS_TABLE: 'apiKeys',
  /** The Bookkeeping table, to the functions that only count refusals in it. */
  REFUSALS_TABLE: 'refusals',
  /** The console's sessions: the console keeps them; the functions it invokes read the one it passes. */
  SESSIONS_TABLE: 'sessions',
} as const satisfies Record<string, StoreName>;

type TableVariable = keyof typeof TABLE_VARIABLES;
type StoresOf<E> = Stores<(typeof TABLE_VARIABLES)[Extract<keyof E, TableVariable>]> &
  (E extends { BOOKKEEPING_TABLE: string; SES_MAX_SEND_RATE: number } ? { sendSlots: SendSlots } : unknown);

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
    // One not found is asked for again next time: it may just have been stored.
    if (value !== undefined) cache.set(key, { value, until: performance.now() + READ_CACHE_MS });
    return value;
  };
}

/**
 * The stores a function's environment names, over the container's one traced client: a store
 * for each table variable it has, and the send slots where it has their table and rate. Reads
 * of recalls and marketplaces found are remembered for a minute.
 */
export function storesFrom<E extends object>(env: E): StoresOf<E> {
  const variables = env as Partial<Record<TableVariable, string>> & { SES_MAX_SEND_RATE?: number };
  const tables: Partial<Record<StoreName, string>> = {};
  for (const [variable, store] of Object.entries(TABLE_VARIABLES)) tables[store] = variables[variable as TableVariable];
  const db = tracedDocumentClient();
  const stores: Partial<Stores> & { sendSlots?: SendSlots } = openStores(db, tables);
  if (stores.recalls) stores.recalls.get = remembered<Recall>(stores.recalls.get.bind(stores.recalls));
  if (stores.marketplaces) stores.marketplaces.get = remembered<Marketplace>(stores.marketplaces.get.bind(stores.marketplaces));
  if (variables.BOOKKEEPING_TABLE && variables.SES_MAX_SEND_RATE)
    stores.sendSlots = new SendSlots(db, variables.BOOKKEEPING_TABLE, variables.SES_MAX_SEND_RATE);
  return stores as StoresOf<E>;
}
