import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '#shared/store/document-client.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SessionStore } from '#shared/store/session-store.ts';
import { localDynamo } from '../support/local-dynamo.ts';

const STAFF = { kind: 'staff', issuer: 'https://idp.agency.example', subject: 'u-1', email: 'officer@agency.example' } as const;
const MINUTE = 60_000;

describe('staff sessions', () => {
  const dynamo = localDynamo('sessions');
  const fresh = async () => {
    const name = await dynamo.table();
    return { store: new SessionStore(documentClient(dynamo.client()), name), name };
  };
  const T0 = Date.parse('2026-12-02T14:00:00Z');

  it('keeps only a hash of the token, and ends a session 30 minutes after its last request', async () => {
    const { store, name } = await fresh();
    const { token, session } = await store.create(STAFF, ['decider'], T0, { authTime: T0, refreshToken: 'rt' });
    const stored = JSON.stringify((await dynamo.client().send(new ScanCommand({ TableName: name }))).Items);
    expect(stored).not.toContain(token);
    expect(session.expiresAt).toBe((T0 + SESSION_IDLE_MS) / 1000);
    // Each request moves the idle end on: 29 minutes, then 29 more, is still live.
    expect(await store.live(token, T0 + 29 * MINUTE)).toMatchObject({ session: { identity: STAFF, roles: ['decider'] } });
    await store.touch(session, T0 + 29 * MINUTE);
    const later = await store.live(token, T0 + 58 * MINUTE);
    expect(later).toHaveProperty('session');
    expect(await store.verify(token, T0 + 58 * MINUTE)).toBeDefined();
    // 30 minutes without a request: ended, and deleted.
    expect(await store.verify(token, T0 + 59 * MINUTE)).toBeUndefined();
    expect(await store.live(token, T0 + 59 * MINUTE)).toEqual({ ended: 'idle' });
    expect(await store.live(token, T0 + 90 * MINUTE)).toEqual({ ended: 'none' });
  });

  it('ends a session 12 hours after sign-in however busy it is, and at sign-out', async () => {
    const { store } = await fresh();
    const { token, session } = await store.create(STAFF, ['viewer'], T0, { authTime: T0, refreshToken: 'rt-1' });
    for (let t = T0; t < T0 + SESSION_ABSOLUTE_MS; t += 20 * MINUTE) {
      expect(await store.live(token, t), new Date(t).toISOString()).toHaveProperty('session');
      await store.touch(session, t);
    }
    expect(await store.verify(token, T0 + SESSION_ABSOLUTE_MS)).toBeUndefined();
    expect(await store.live(token, T0 + SESSION_ABSOLUTE_MS)).toEqual({ ended: 'absolute' });

    const second = await store.create(STAFF, ['viewer'], T0);
    await store.end(second.token);
    expect(await store.live(second.token, T0 + MINUTE)).toEqual({ ended: 'none' });
    for (const token of [undefined, '', 'x'.repeat(101), 'forged']) expect(await store.verify(token, T0)).toBeUndefined();
  });

  it('lasts as long in real time on a clock that runs N times faster, when told its scale (npm start)', async () => {
    const { name } = await fresh();
    const fast = new SessionStore(documentClient(dynamo.client()), name, 600);
    const { token } = await fast.create(STAFF, ['viewer'], T0, { authTime: T0, refreshToken: 'rt' });
    expect(await fast.live(token, T0 + 29 * 600 * MINUTE)).toHaveProperty('session');
    // Another function checking the session uses the limits the session carries.
    const plain = new SessionStore(documentClient(dynamo.client()), name);
    expect(await plain.verify(token, T0 + 29 * 600 * MINUTE)).toBeDefined();
    expect(await plain.verify(token, T0 + 30 * 600 * MINUTE)).toBeUndefined();
  });

  it('gives a sign-in under way to one callback only, within 10 minutes', async () => {
    const { store } = await fresh();
    await store.startSignIn('state-1', 'verifier', 'nonce', 'cases', T0);
    expect(await store.takeSignIn('state-1', T0 + MINUTE)).toMatchObject({ codeVerifier: 'verifier', nonce: 'nonce', returnTo: 'cases' });
    expect(await store.takeSignIn('state-1', T0 + MINUTE)).toBeUndefined();
    await store.startSignIn('state-2', 'verifier', 'nonce', 'cases', T0);
    expect(await store.takeSignIn('state-2', T0 + 11 * MINUTE)).toBeUndefined();
  });

  it('seals the refresh token under its cookie, asks for the roles again after 15 minutes, and without one ends then', async () => {
    const { store, name } = await fresh();
    const { token, session } = await store.create(STAFF, ['admin'], T0, { authTime: T0, refreshToken: 'refresh-token-of-the-provider' });
    const stored = JSON.stringify((await dynamo.client().send(new ScanCommand({ TableName: name }))).Items);
    expect(stored).not.toContain('refresh-token-of-the-provider');
    expect(store.refreshTokenOf(session, token)).toBe('refresh-token-of-the-provider');
    expect(store.refreshTokenOf(session, 'another-cookie')).toBeUndefined();
    expect([store.recheckDue(session, T0 + 14 * MINUTE), store.recheckDue(session, T0 + 15 * MINUTE)]).toEqual([false, true]);
    const rechecked = await store.rechecked(session, ['viewer'], 'rotated', T0 + 15 * MINUTE, token);
    expect([rechecked.roles, store.refreshTokenOf(rechecked, token), store.recheckDue(rechecked, T0 + 16 * MINUTE)]).toEqual([['viewer'], 'rotated', false]);
    // An administrator's change takes a sign-in of the last 15 minutes.
    expect([SessionStore.isFresh(session, T0 + 14 * MINUTE), SessionStore.isFresh(session, T0 + 15 * MINUTE)]).toEqual([true, false]);
    // A provider that issues no refresh token cannot be asked again: the session ends when it would be.
    const { token: other } = await store.create(STAFF, ['admin'], T0, { authTime: T0 });
    await store.touch((await store.verify(other, T0 + 10 * MINUTE))!, T0 + 10 * MINUTE);
    expect(await store.live(other, T0 + 15 * MINUTE)).toEqual({ ended: 'absolute' });
  });

  it('ends every session of one person, and lists the live ones', async () => {
    const { store } = await fresh();
    const other = { ...STAFF, subject: 'u-2', email: 'other@agency.example' };
    const [a, b, c] = [await store.create(STAFF, ['viewer'], T0), await store.create(STAFF, ['viewer'], T0 + MINUTE), await store.create(other, ['admin'], T0)];
    expect((await store.liveSessions(T0 + 2 * MINUTE)).map((s) => s.identity.subject).sort()).toEqual(['u-1', 'u-1', 'u-2']);
    expect(await store.endSessionsOf({ issuer: STAFF.issuer, subject: 'u-1' }, T0 + 2 * MINUTE)).toHaveLength(2);
    expect([await store.verify(a.token, T0 + 3 * MINUTE), await store.verify(b.token, T0 + 3 * MINUTE)]).toEqual([undefined, undefined]);
    expect(await store.verify(c.token, T0 + 3 * MINUTE)).toBeDefined();
  });
});
