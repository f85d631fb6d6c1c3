import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { marketplaceAdmin, type MarketplaceAdminDeps } from '#functions/marketplace-admin/marketplace-admin.ts';
import { reissueEvent } from '#functions/reissue-link/events.ts';
import { decisionEvent } from '#functions/staff-decision/events.ts';
import { DEFAULT_POLICY } from '#shared/marketplace.ts';
import { httpEvent } from '#functions/runtime/http-event.ts';
import type { SessionStore, StaffSession } from '#shared/store/session-store.ts';
import { callerCheck, decisionRouteEvent, stubSts, withProof } from '../support/iam-proof.ts';

const STAFF = { kind: 'staff', issuer: 'https://idp.agency.example', subject: 'u-42', email: 'officer@agency.example' } as const;
/** The sessions table as the functions read it: one live session per token. */
const sessions = (live: Record<string, Pick<StaffSession, 'identity' | 'roles'>>) =>
  ({ verify: async (token: unknown) => (typeof token === 'string' ? live[token] : undefined) }) as unknown as SessionStore;
/** The guards of a function: these sessions, and IAM callers' proofs checked by an STS that names PRINCIPAL's session. */
const guarded = (store: SessionStore) => ({ sessions: store, callers: callerCheck() });
const noSessions = guarded(sessions({}));
afterEach(() => void vi.unstubAllGlobals());

const PRINCIPAL = 'arn:aws:iam::123456789012:role/compliance-officer';
const SESSION = 'arn:aws:sts::123456789012:assumed-role/compliance-officer/officer';
const VERIFIED = { kind: 'iam', principalArn: SESSION, account: '123456789012', userId: 'AROATEST:x', principal: PRINCIPAL, sessionName: 'officer' } as const;
const apiEvent = decisionRouteEvent;

describe('who decides: the staff-decision function reads its decider from the door it came in by', () => {
  it('through the IAM-authorized route, the principal STS names and never a name in the body or the event', async () => {
    stubSts(SESSION);
    const read = await decisionEvent(
      await withProof(
        apiEvent(JSON.stringify({ decision: 'close', reason: 'done', by: 'director@agency.example' }), 'arn:aws:iam::123456789012:user/director'),
      ),
      httpEvent,
      noSessions,
    );
    expect(read.input).toEqual({
      caseId: '26582.alimart',
      decider: VERIFIED,
      decision: { decision: 'close', reason: 'done', by: 'director@agency.example' },
    });
  });

  it('refuses a route request with no proven identity (403) and a body that is not a JSON object (400)', async () => {
    stubSts(SESSION);
    const unsigned = await decisionEvent(apiEvent('{"decision":"close","reason":"x"}', PRINCIPAL), httpEvent, noSessions);
    expect(unsigned.error).toMatch(/^the request carries no proof of its IAM identity/);
    expect(unsigned.respond({ ok: false, error: unsigned.error!, kind: unsigned.kind! })).toMatchObject({ statusCode: 403 });
    for (const body of ['[1]', 'null', 'not json', '']) {
      const read = await decisionEvent(await withProof(apiEvent(body)), httpEvent, noSessions);
      expect(read.error, body).toMatch(/^the body must be a JSON object/);
      expect(read.respond({ ok: false, error: read.error!, kind: 'invalid' })).toMatchObject({ statusCode: 400 });
    }
  });

  it('answers each refusal with its status: 404 for no such case, 409 for a decision the case does not take', async () => {
    stubSts(SESSION);
    const read = await decisionEvent(await withProof(apiEvent('{}')), httpEvent, noSessions);
    expect(read.respond({ ok: false, error: 'case x does not exist', kind: 'not-found' })).toMatchObject({ statusCode: 404 });
    expect(read.respond({ ok: false, error: 'already decided', kind: 'conflict' })).toMatchObject({ statusCode: 409 });
    expect(read.respond({ ok: true, status: 'DISPUTED', delivery: 'delivered' })).toMatchObject({ statusCode: 200 });
  });

  it("takes a direct invocation only with a live console session holding the decider role, and the session's verified identity", async () => {
    const store = guarded(sessions({ deciding: { identity: STAFF, roles: ['decider'] }, viewing: { identity: STAFF, roles: ['viewer'] } }));
    const read = await decisionEvent({ caseId: '26582.alimart', session: 'deciding', decision: { decision: 'close', reason: 'x' } }, httpEvent, store);
    expect(read.input).toEqual({ caseId: '26582.alimart', decider: STAFF, decision: { decision: 'close', reason: 'x' } });
    const refused = async (payload: Record<string, unknown>) => {
      const door = await decisionEvent({ caseId: '26582.alimart', decision: {}, ...payload } as never, httpEvent, store);
      expect(door.kind).toBe('forbidden');
      return door.error;
    };
    // A caller naming its own decider is refused, whatever else it carries.
    expect(await refused({ by: 'director@agency.example' })).toMatch(/^a caller cannot name who acts/);
    expect(await refused({ by: 'director@agency.example', session: 'deciding' })).toMatch(/^a caller cannot name who acts/);
    for (const session of [undefined, '', 'ended', 42]) expect(await refused({ session })).toBe('no live staff session: sign in to the staff console again');
    expect(await refused({ session: 'viewing' })).toBe('officer@agency.example does not have the decider role');
  });
});

describe("a proof opens its own function's route only", () => {
  it('refuses an event naming another route, or a literal path over other parameters', async () => {
    stubSts(SESSION);
    const proven = await withProof(apiEvent('{"decision":"close","reason":"x"}'));
    const literal = { ...proven, resource: '/v1/agency/cases/26582.alimart/decision', pathParameters: { caseId: 'another.case' } } as typeof proven;
    const read = await decisionEvent(literal, httpEvent, noSessions);
    expect([read.kind, read.error]).toEqual(['invalid', 'this function serves /v1/agency/cases/{caseId}/decision only']);
    const revokeProof = await withProof({
      ...apiEvent('{}'),
      resource: '/v1/agency/keys/{keyId}/revoke',
      pathParameters: { keyId: 'k' },
    } as APIGatewayProxyEvent);
    const moved = await reissueEvent(
      { ...revokeProof, resource: '/v1/agency/cases/{caseId}/link', pathParameters: { caseId: '26582.alimart' } } as APIGatewayProxyEvent,
      httpEvent,
      noSessions,
    );
    expect(moved.error).toBe('the identity proof was signed for another request');
  });

  it('takes a new response link from the console only after a recent sign-in', async () => {
    const now = Date.now();
    const store = guarded(
      sessions({
        recent: { identity: STAFF, roles: ['admin'], authTime: now - 60_000, freshMs: 15 * 60_000 } as StaffSession,
        stale: { identity: STAFF, roles: ['admin'], authTime: now - 16 * 60_000, freshMs: 15 * 60_000 } as StaffSession,
      }),
    );
    expect((await reissueEvent({ caseId: '26582.alimart', session: 'recent' }, httpEvent, store)).input).toBeDefined();
    expect((await reissueEvent({ caseId: '26582.alimart', session: 'stale' }, httpEvent, store)).error).toBe(
      'this change takes a recent sign-in: sign in to the staff console again',
    );
  });
});

describe('marketplace administration', () => {
  const admin = VERIFIED;
  function deps() {
    const entries: { subject: string; action: string; actor: string }[] = [];
    const stored = new Map<string, unknown>();
    return {
      entries,
      deps: {
        marketplaces: {
          // Stores the marketplace, then writes its entry to the log, as the store does.
          change: async (
            id: string,
            _at: Date,
            change: (current: unknown) => { marketplace: object; audit: object },
            options: { log: { write: (e: object[]) => Promise<void> } },
          ) => {
            const next = change(stored.get(id));
            stored.set(id, next.marketplace);
            await options.log.write([{ subject: `marketplace-${id}`, ...next.audit }]);
            return { outcome: 'stored', marketplace: { ...next.marketplace, version: 1 } };
          },
          get: async (id: string) => stored.get(id),
        },
        apiKeys: {
          issue: async () => ({ key: 'rgk_abcd1234_secret', keyId: 'abcd1234' }),
          revoke: async (keyId: string) => {
            if (keyId === 'missing1') throw new Error(`there is no API key ${keyId}`);
            throw new Error('ProvisionedThroughputExceededException');
          },
        },
        audit: {
          append: async (e: { subject: string; action: string; actor: string }) => void entries.push(e),
          write: async (written: { subject: string; action: string; actor: string }[]) => void entries.push(...written),
          list: async () => [],
        },
        defaultPolicy: DEFAULT_POLICY,
      } as unknown as MarketplaceAdminDeps,
    };
  }

  it('refuses a bad marketplaces file with the entry, field and reason, and stores nothing', async () => {
    const { deps: d, entries } = deps();
    const result = await marketplaceAdmin({ action: 'import', marketplaces: [{ id: 'Bad Id', name: 'x', noticeEmails: ['a@b.example'] }] }, admin, d);
    expect(result).toMatchObject({ ok: false, kind: 'invalid', error: expect.stringContaining('invalid marketplaces: 0.id:') });
    expect(entries).toEqual([]);
  });

  it('audits a key issued under the principal, without the key; an unknown key to revoke is not found; a store failure is not hidden', async () => {
    const { deps: d, entries } = deps();
    await marketplaceAdmin({ action: 'import', marketplaces: [{ id: 'alimart', name: 'AliMart', noticeEmails: ['a@alimart.example'] }] }, admin, d);
    expect(await marketplaceAdmin({ action: 'issue-key', marketplaceId: 'alimart' }, admin, d)).toMatchObject({ ok: true, keyId: 'abcd1234' });
    expect(entries.map((e) => `${e.subject} ${e.actor} ${e.action}`)).toEqual([
      `marketplace-alimart agency:${PRINCIPAL} MARKETPLACE_STORED`,
      `marketplace-alimart agency:${PRINCIPAL} API_KEY_ISSUED`,
    ]);
    expect(JSON.stringify(entries)).not.toContain('rgk_abcd1234_secret');
    expect(await marketplaceAdmin({ action: 'issue-key', marketplaceId: 'nowhere' }, admin, d)).toMatchObject({ ok: false, kind: 'not-found' });
    expect(await marketplaceAdmin({ action: 'revoke-key', keyId: 'missing1' }, admin, d)).toEqual({
      ok: false,
      error: 'there is no API key missing1',
      kind: 'not-found',
    });
    await expect(marketplaceAdmin({ action: 'revoke-key', keyId: 'other123' }, admin, d)).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
