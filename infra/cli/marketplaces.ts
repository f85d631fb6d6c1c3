import type { Marketplace } from '#shared/marketplace.ts';
import type { ApiKeyRecord } from '#shared/store/api-key-store.ts';
import { storeMarketplaces } from '../deployment/marketplaces.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

/** `marketplaces import`: validated, with the deployment's default ladder, then stored. */
export function importMarketplaces(input: unknown, source: DeploymentSource): Promise<Marketplace[]> {
  return withDeployment(source, { outputs: ['MarketplacesTable', 'DefaultPolicy'] }, (deployment) => storeMarketplaces(deployment, input));
}

/** `marketplaces key`: a new API key for a marketplace, shown this once; only its hash is stored. */
export function issueKey(marketplaceId: string, source: DeploymentSource): Promise<{ marketplaceId: string; keyId: string; key: string }> {
  return withDeployment(source, { outputs: ['MarketplacesTable', 'ApiKeysTable'] }, async (deployment) => {
    const { marketplaces, apiKeys } = deployment.stores();
    if (!(await marketplaces.get(marketplaceId))) throw new Error(`there is no marketplace ${marketplaceId}: import it first`);
    const { key, keyId } = await apiKeys.issue(marketplaceId, deployment.now());
    return { marketplaceId, keyId, key };
  });
}

/** `marketplaces revoke-key`: the key stops working at once. */
export function revokeKey(keyId: string, source: DeploymentSource): Promise<ApiKeyRecord> {
  return withDeployment(source, { outputs: ['ApiKeysTable'] }, (deployment) => deployment.stores().apiKeys.revoke(keyId, deployment.now()));
}
