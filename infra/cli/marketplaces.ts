import type { AdminResult } from '#functions/marketplace-admin/marketplace-admin.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { DeploymentSource } from '../deployment/open.ts';
import { postAgencyRoute } from './agency-route.ts';

type Done<A extends string> = Extract<AdminResult, { ok: true; action: A }>;

/**
 * `marketplaces import|key|revoke-key`, through the API's IAM-authorized routes, signed with the
 * caller's credentials: each change is audited in the marketplace's own log (`marketplace-<id>`)
 * under the caller's IAM principal.
 */
async function administer<A extends string>(source: DeploymentSource, path: string, body: Record<string, unknown>, refused: string): Promise<Done<A>> {
  return (await postAgencyRoute<AdminResult>(source, path, body, refused)) as Done<A>;
}

/** `marketplaces import`: validated, with the deployment's default ladder, then stored. */
export async function importMarketplaces(input: unknown, source: DeploymentSource): Promise<Marketplace[]> {
  return (await administer<'import'>(source, 'marketplaces', { marketplaces: input }, 'no marketplace was stored')).marketplaces;
}

/** `marketplaces key`: a new API key for a marketplace, shown this once; only its hash is stored. */
export async function issueKey(marketplaceId: string, source: DeploymentSource): Promise<{ marketplaceId: string; keyId: string; key: string }> {
  const { keyId, key } = await administer<'issue-key'>(source, `marketplaces/${encodeURIComponent(marketplaceId)}/keys`, {}, 'no key was issued');
  return { marketplaceId, keyId, key };
}

/** `marketplaces revoke-key`: the key stops working at once. */
export async function revokeKey(keyId: string, source: DeploymentSource): Promise<{ keyId: string; marketplaceId: string; revokedAt: string }> {
  const { marketplaceId, revokedAt } = await administer<'revoke-key'>(source, `keys/${encodeURIComponent(keyId)}/revoke`, {}, 'the key was not revoked');
  return { keyId, marketplaceId, revokedAt };
}
