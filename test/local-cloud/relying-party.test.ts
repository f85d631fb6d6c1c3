import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RelyingParty, SignInRefused, type OidcSettings } from '#functions/staff-console/oidc.ts';
import { IdentityProviderThread } from '#infra/local-cloud/emulator-threads.ts';
import { VirtualClock } from '#infra/local-cloud/virtual-clock.ts';

const REDIRECT = 'http://127.0.0.1:9/live/console/callback';
const USER = { subject: 'u-7', username: 'officer@agency.example', password: 'correct horse 7', groups: ['recallguard-deciders', 'other'] };
/** Users whose provider does not vouch for their email: "false" as a string, or no claim at all. */
const UNVERIFIED = {
  subject: 'u-8',
  username: 'arn:aws:iam::1:role/x@agency.example',
  password: 'battery staple 8',
  groups: ['recallguard-admins'],
  claims: { email_verified: 'false' },
};
const UNSAID = {
  subject: 'u-9',
  username: 'someone@agency.example',
  password: 'battery staple 9',
  groups: ['recallguard-admins'],
  claims: { email_verified: null },
};
/** One who signed in with a second factor at an assurance level (amr, acr). */
const STRONG = {
  subject: 'u-10',
  username: 'strong@agency.example',
  password: 'battery staple 10',
  groups: ['recallguard-viewers'],
  claims: { amr: ['pwd', 'mfa'], acr: 'urn:agency:aal2' },
};

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
      users: [USER, UNVERIFIED, UNSAID, STRONG],
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
    expect(signedIn).toMatchObject({
      identity: { kind: 'staff', issuer: provider.issuer, subject: 'u-7', email: 'officer@agency.example' },
      roles: ['decider'],
    });
    expect(new URL(started.url).searchParams.get('max_age')).toBe('0');
    expect(signedIn.authTime).toBeGreaterThan(Date.now() - 60_000);
    // The roles asked for again with the refresh token; a token the provider does not know is refused.
    expect(await rp.recheck(signedIn.refreshToken!, signedIn.identity)).toMatchObject({ roles: ['decider'], refreshToken: expect.any(String) });
    await expect(rp.recheck('not-a-token', signedIn.identity)).rejects.toThrow(/no longer accepts this sign-in/);
    await expect(rp.recheck(signedIn.refreshToken!, { ...signedIn.identity, subject: 'u-8' })).rejects.toThrow(SignInRefused);
  });

  it('refuses an email the provider does not vouch for, however it says so, and an authentication older than the sign-in', async () => {
    const rp = new RelyingParty(settings(), async () => ({ privateKey, kid: 'console-1' }));
    for (const user of [UNVERIFIED, UNSAID]) {
      const started = await rp.start();
      await expect(rp.finish(await signInAt(started.url, user), started), user.username).rejects.toThrow(/does not say .* is verified/);
    }
    const started = await rp.start();
    await expect(rp.finish(await signInAt(started.url), { ...started, startedAt: Date.now() + 5 * 60_000 })).rejects.toThrow(
      /did not ask you to authenticate again/,
    );
  });

  it('asks for the assurance the agency requires (acr_values) and refuses a token without it or without the method (amr)', async () => {
    const strict = new RelyingParty({ ...settings(), requiredAcr: ['urn:agency:aal2'], requiredAmr: ['mfa'] }, async () => ({ privateKey, kid: 'console-1' }));
    const started = await strict.start();
    expect(new URL(started.url).searchParams.get('acr_values')).toBe('urn:agency:aal2');
    await expect(strict.finish(await signInAt(started.url), started)).rejects.toThrow(
      /did not vouch for the assurance this console requires \(urn:agency:aal2\)/,
    );
    const second = await strict.start();
    expect(await strict.finish(await signInAt(second.url, STRONG), second)).toMatchObject({ identity: { subject: 'u-10' }, roles: ['viewer'] });
    const amrOnly = new RelyingParty({ ...settings(), requiredAmr: ['hwk'] }, async () => ({ privateKey, kid: 'console-1' }));
    const third = await amrOnly.start();
    await expect(amrOnly.finish(await signInAt(third.url, STRONG), third)).rejects.toThrow(/did not say you signed in with hwk/);
  });

  it("ends the provider's session at its end_session_endpoint, back to the console's sign-in page", async () => {
    const back = 'http://127.0.0.1:9/live/console/sign-in?signedOut=1';
    const url = new URL(
      (await new RelyingParty({ ...settings(), postLogoutRedirectUri: back }, async () => ({ privateKey, kid: 'console-1' })).endSessionUrl())!,
    );
    expect(url.href.startsWith(provider.issuer)).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'recallguard-console', post_logout_redirect_uri: back });
  });

  it('reads its key again after a failed read, and a rotated one after five minutes', async () => {
    let reads = 0;
    const keys = [undefined, privateKey, privateKey];
    const rp = new RelyingParty(settings(), async () => {
      const key = keys[reads++];
      if (!key) throw new Error('Secrets Manager is unavailable');
      return { privateKey: key, kid: 'console-1' };
    });
    await expect(rp.start()).rejects.toThrow('Secrets Manager is unavailable');
    const started = await rp.start();
    expect(await rp.finish(await signInAt(started.url), started)).toMatchObject({ roles: ['decider'] });
    expect(reads).toBe(2);
    const clock = vi.spyOn(performance, 'now').mockReturnValue(performance.now() + 6 * 60_000);
    await rp.start();
    clock.mockRestore();
    expect(reads).toBe(3);
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
