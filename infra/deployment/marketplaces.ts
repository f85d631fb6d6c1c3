import { parseMarketplaces, type Marketplace } from '#shared/marketplace.ts';
import type { Deployment } from './deployment.ts';

/** Validates marketplaces (the deployment's default ladder fills numbers an entry leaves out) and stores them. */
export async function storeMarketplaces(deployment: Pick<Deployment, 'stores' | 'defaultPolicy'>, input: unknown): Promise<Marketplace[]> {
  const marketplaces = parseMarketplaces(input, deployment.defaultPolicy);
  const store = deployment.stores().marketplaces;
  for (const marketplace of marketplaces) await store.put(marketplace);
  return marketplaces;
}
