import { identityActor, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { now } from '#shared/clock.ts';
import { parseMarketplaces, type Marketplace, type Policy } from '#shared/marketplace.ts';
import type { ApiKeyStore } from '#shared/store/api-key-store.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

export interface MarketplaceAdminDeps {
  marketplaces: MarketplaceStore;
  apiKeys: ApiKeyStore;
  audit: AuditLog;
  defaultPolicy: Policy;
}

/** What an administrator asks for: marketplaces to store (the marketplaces file's form), a key for one, a key revoked. */
export type AdminRequest =
  { action: 'import'; marketplaces: unknown } | { action: 'issue-key'; marketplaceId: string } | { action: 'revoke-key'; keyId: string };

export type AdminResult =
  | { ok: true; action: 'import'; marketplaces: Marketplace[] }
  | { ok: true; action: 'issue-key'; marketplaceId: string; keyId: string; key: string }
  | { ok: true; action: 'revoke-key'; marketplaceId: string; keyId: string; revokedAt: string }
  | { ok: false; error: string; kind: RefusalKind };

/** The audit log each marketplace's administration is kept in. */
export const marketplaceSubject = (marketplaceId: string) => `marketplace-${marketplaceId}`;

/**
 * The marketplaces' administration, for the IAM principal that asks: marketplaces stored with the
 * same validation as the marketplaces file (the deployment's default ladder fills what an entry
 * leaves out), an API key issued (shown this once; only its hash is stored) or revoked. Each is
 * audited in the marketplace's own log under the verified principal; a key is never logged.
 */
export async function marketplaceAdmin(request: AdminRequest, by: AgencyIdentity, deps: MarketplaceAdminDeps): Promise<AdminResult> {
  const at = now();
  const audit = (marketplaceId: string, action: string, detail: Record<string, unknown>) =>
    deps.audit.append({
      subject: marketplaceSubject(marketplaceId),
      at: at.toISOString(),
      actor: identityActor(by),
      action,
      detail: { ...detail, ...verifiedIdentity(by) },
    });
  if (request.action === 'import') {
    let marketplaces: Marketplace[];
    try {
      marketplaces = parseMarketplaces(request.marketplaces, deps.defaultPolicy);
    } catch (error) {
      return { ok: false, error: (error as Error).message, kind: 'invalid' };
    }
    for (const marketplace of marketplaces) {
      await deps.marketplaces.put(marketplace);
      await audit(marketplace.id, 'MARKETPLACE_STORED', { marketplace });
    }
    return { ok: true, action: 'import', marketplaces };
  }
  if (request.action === 'issue-key') {
    if (!(await deps.marketplaces.get(request.marketplaceId)))
      return { ok: false, error: `there is no marketplace ${request.marketplaceId}: import it first`, kind: 'not-found' };
    const { key, keyId } = await deps.apiKeys.issue(request.marketplaceId, at);
    await audit(request.marketplaceId, 'API_KEY_ISSUED', { keyId });
    return { ok: true, action: 'issue-key', marketplaceId: request.marketplaceId, keyId, key };
  }
  let revoked;
  try {
    revoked = await deps.apiKeys.revoke(request.keyId, at);
  } catch (error) {
    if ((error as Error).message.startsWith('there is no API key')) return { ok: false, error: (error as Error).message, kind: 'not-found' };
    throw error;
  }
  await audit(revoked.marketplaceId, 'API_KEY_REVOKED', { keyId: revoked.keyId });
  return { ok: true, action: 'revoke-key', marketplaceId: revoked.marketplaceId, keyId: revoked.keyId, revokedAt: revoked.revokedAt ?? at.toISOString() };
}
