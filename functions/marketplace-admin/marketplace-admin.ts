import { identityActor, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { now } from '#shared/clock.ts';
import { parseMarketplaces, type Marketplace, type Policy } from '#shared/marketplace.ts';
import type { ApiKeyStore } from '#shared/store/api-key-store.ts';
import type { AuditAction, AuditLog } from '#shared/store/audit-log.ts';
import { marketplaceSubject, type ChangeLog, type MarketplaceStore, type StoredMarketplace } from '#shared/store/marketplace-store.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

export interface MarketplaceAdminDeps {
  marketplaces: MarketplaceStore;
  apiKeys: ApiKeyStore;
  /** The log: key changes append to it; marketplace changes write their entry with the marketplace, then to it. */
  audit: AuditLog & ChangeLog;
  defaultPolicy: Policy;
}

/**
 * What an administrator asks for: marketplaces to store (the marketplaces file's form; an entry
 * with a `version` is stored only if the marketplace is still at that version), a marketplace
 * activated or deactivated (nothing else of it changed; with `version`, only if still at it), a
 * key for one, a key revoked.
 */
export type AdminRequest =
  | { action: 'import'; marketplaces: unknown }
  | { action: 'set-active'; marketplaceId: string; active: boolean; version?: number }
  | { action: 'issue-key'; marketplaceId: string }
  | { action: 'revoke-key'; keyId: string };

export type AdminResult =
  | { ok: true; action: 'import'; marketplaces: StoredMarketplace[] }
  | { ok: true; action: 'set-active'; marketplace: StoredMarketplace }
  | { ok: true; action: 'issue-key'; marketplaceId: string; keyId: string; key: string }
  | { ok: true; action: 'revoke-key'; marketplaceId: string; keyId: string; revokedAt: string }
  | { ok: false; error: string; kind: RefusalKind };

/** Why a set-active request cannot be carried out as given, or undefined. */
function setActiveProblem(request: Record<string, unknown>): string | undefined {
  if (typeof request.marketplaceId !== 'string' || !request.marketplaceId) return 'set-active: give the marketplaceId of the marketplace';
  if (typeof request.active !== 'boolean') return 'set-active: give active as true (activate) or false (deactivate)';
  if (request.version !== undefined && !(Number.isInteger(request.version) && (request.version as number) >= 0))
    return 'set-active: version is the stored version the change is based on, a whole number; leave it out to change whatever is stored';
  return undefined;
}

/** The refusal of a change based on a version the marketplace is no longer at. */
function conflict(id: string, basedOn: number | undefined, current: StoredMarketplace | undefined): string {
  if (!current) return `there is no marketplace ${id}: import it first`;
  if (basedOn === 0) return `there is already a marketplace ${id}: open it to change it`;
  return `marketplace ${id} was changed after this copy of it was read (it is at version ${current.version}, the change was based on version ${basedOn}): open it again to see what changed, then make the change again`;
}

/** A change being made: when, by whom (its audit entry under the verified identity), with what. */
interface Acting {
  at: Date;
  entry: (action: string, detail: Record<string, unknown>) => AuditAction;
  deps: MarketplaceAdminDeps;
}

/** Each entry stored with its audit entry, in order; the first refused for its version stops the rest. */
async function importEntries(input: unknown, { at, entry, deps }: Acting): Promise<AdminResult> {
  let marketplaces: Marketplace[];
  try {
    marketplaces = parseMarketplaces(input, deps.defaultPolicy);
  } catch (error) {
    return { ok: false, error: (error as Error).message, kind: 'invalid' };
  }
  const stored: StoredMarketplace[] = [];
  for (const { version: basedOn, ...marketplace } of marketplaces) {
    const write = await deps.marketplaces.change(marketplace.id, at, () => ({ marketplace, audit: entry('MARKETPLACE_STORED', { marketplace }) }), {
      basedOn,
      log: deps.audit,
    });
    if (write.outcome === 'conflict') {
      const before = stored.length ? ` (stored before it: ${stored.map((m) => m.id).join(', ')})` : '';
      return { ok: false, error: `${conflict(marketplace.id, basedOn, write.current)}${before}`, kind: 'conflict' };
    }
    stored.push(write.marketplace!);
  }
  return { ok: true, action: 'import', marketplaces: stored };
}

/** A marketplace activated or deactivated as last written: nothing else of it changes; one already so is left as it is. */
async function setActive(request: Extract<AdminRequest, { action: 'set-active' }>, { at, entry, deps }: Acting): Promise<AdminResult> {
  const problem = setActiveProblem(request);
  if (problem) return { ok: false, error: problem, kind: 'invalid' };
  const { marketplaceId, active, version: basedOn } = request;
  const write = await deps.marketplaces.change(
    marketplaceId,
    at,
    (current) =>
      current && current.active !== active
        ? { marketplace: { ...current, active }, audit: entry(active ? 'MARKETPLACE_ACTIVATED' : 'MARKETPLACE_DEACTIVATED', {}) }
        : undefined,
    { basedOn, log: deps.audit },
  );
  if (write.outcome === 'conflict')
    return { ok: false, error: conflict(marketplaceId, basedOn, write.current), kind: write.current ? 'conflict' : 'not-found' };
  if (!write.marketplace) return { ok: false, error: `there is no marketplace ${marketplaceId}: import it first`, kind: 'not-found' };
  return { ok: true, action: 'set-active', marketplace: write.marketplace };
}

/**
 * The marketplaces' administration, for the IAM principal that asks: marketplaces stored with the
 * same validation as the marketplaces file (the deployment's default ladder fills what an entry
 * leaves out), a marketplace activated or deactivated, an API key issued (shown this once; only
 * its hash is stored) or revoked. Each is audited in the marketplace's own log under the verified
 * principal; a marketplace and its entry are written together; a key is never logged.
 */
export async function marketplaceAdmin(request: AdminRequest, by: AgencyIdentity, deps: MarketplaceAdminDeps): Promise<AdminResult> {
  const at = now();
  const entry = (action: string, detail: Record<string, unknown>): AuditAction => ({
    actor: identityActor(by),
    action,
    detail: { ...detail, ...verifiedIdentity(by) },
  });
  const audit = (marketplaceId: string, action: string, detail: Record<string, unknown>) =>
    deps.audit.append({ subject: marketplaceSubject(marketplaceId), at: at.toISOString(), ...entry(action, detail) });
  if (request.action === 'import') return importEntries(request.marketplaces, { at, entry, deps });
  if (request.action === 'set-active') return setActive(request, { at, entry, deps });
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
