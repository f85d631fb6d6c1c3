import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelyingParty, SignInRefused, type OidcSettings } from '#functions/staff-console/oidc.ts';
import { IdentityProviderThread } from '#infra/local-cloud/emulator-threads.ts';
import { VirtualClock } from '#infra/local-cloud/virtual-clock.ts';

const REDIRECT = 'http://127.0.0.1:9/live/console/callback';
const USER = { subject: 'u-7', username: 'officer@agency.example', password: 'correct horse 7', groups: ['recallguard-deciders', 'other'] };

/** The provider's answer to a sign-in, followed by hand as a browser would, up to the redirect back to the console. */
async function signInAt(authorizationUrl: string, user = USER): Promise<URL> {
  const jar = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      jar.set(pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1));
    }
    return response;
  };
  let url = new URL(authorizationUrl);
  let response = await send(url);
  while (response.status === 303 || response.status === 302)
    [url, response] = [new URL(response.headers.get('location')!, url), await send(new URL(response.headers.get('location')!, url))];
  const action = new URL(/action="([^"]+)"/.exec(await response.text())![1]!, url);
  response = await send(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user.username, password: user.password }).toString(),
  });
  url = action;
  for (;;) {
    const next = new URL(response.headers.get('location')!, url);
    if (next.href.startsWith(REDIRECT)) return next;
    [url, response] = [next, await send(next)];
  }
}

describe('the console as a relying party with private_key_jwt (login.gov), against a real provider', () => {
  // The provider's clock stands still at the test's start: tokens are checked against real time here.
  const clock = new VirtualClock(new Date());
  let provider: IdentityProviderThread;
  let privateKey: string;

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256', { extractable: true });
    privateKey = await exportPKCS8(keys.privateKey);
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'console-1', use: 'sig', alg: 'RS256' };
    provider = await IdentityProviderThread.start(clock, {
      clientId: 'recallguard-console',
      redirectUri: REDIRECT,
      rolesClaim: 'roles',
      users: [USER],
      clientJwks: { keys: [jwk] },
    });
  });
  afterAll(() => provider?.stop());

  const settings = (): OidcSettings => ({
    issuer: provider.issuer,
    clientId: 'recallguard-console',
    redirectUri: REDIRECT,
    clientAuth: 'private_key_jwt',
    rolesClaim: 'roles',
    roleGroups: { viewer: 'recallguard-viewers', decider: 'recallguard-deciders', admin: 'recallguard-admins' },
    scopes: 'openid email profile',
  });

  it('signs in with a client assertion signed by the key from its secret, and maps the groups to roles', async () => {
    const rp = new RelyingParty(settings(), async () => ({ privateKey, kid: 'console-1' }));
    const started = await rp.start();
    expect(new URL(started.url).searchParams.get('code_challenge_method')).toBe('S256');
    const callback = await signInAt(started.url);
    const signedIn = await rp.finish(callback, started);
    expect(signedIn).toEqual({ identity: { kind: 'staff', issuer: provider.issuer, subject: 'u-7', email: 'officer@agency.example' }, roles: ['decider'] });
  });

  it('is refused at the token endpoint with another key, and with a state or nonce that is not its own', async () => {
    const other = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    const wrongKey = new RelyingParty(settings(), async () => ({ privateKey: other, kid: 'console-1' }));
    const started = await wrongKey.start();
    await expect(wrongKey.finish(await signInAt(started.url), started)).rejects.toThrow(SignInRefused);

    const rp = new RelyingParty(settings(), async () => ({ privateKey, kid: 'console-1' }));
    const second = await rp.start();
    const callback = await signInAt(second.url);
    await expect(rp.finish(callback, { ...second, state: 'another' })).rejects.toThrow(/the identity provider's answer was refused/);
    const third = await rp.start();
    await expect(rp.finish(await signInAt(third.url), { ...third, nonce: 'another' })).rejects.toThrow(SignInRefused);
  });

  it('says what is missing when the secret holds no key', async () => {
    const rp = new RelyingParty(settings(), async () => ({}));
    await expect(rp.start()).rejects.toThrow(/the private key is missing/);
  });
});
