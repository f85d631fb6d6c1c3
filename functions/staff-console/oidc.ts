import * as client from 'openid-client';
import { createRemoteJWKSet, importPKCS8, jwtVerify, type JWTPayload } from 'jose';
import type { StaffIdentity } from '#shared/agency-identity.ts';
import { STAFF_ROLES, type StaffRole } from '#shared/store/session-store.ts';

/** How the console signs staff in: the identity provider, this client, and where roles come from. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** The console's callback, registered with the provider. */
  redirectUri: string;
  /** `none` (a public client: PKCE alone, as Cognito's app client here), `client_secret_basic`, or `private_key_jwt` (login.gov). */
  clientAuth: 'none' | 'client_secret_basic' | 'private_key_jwt';
  /** The claim that lists the user's groups (`cognito:groups` for Cognito). */
  rolesClaim: string;
  /** The group that grants each role (by default, the role's own name). */
  roleGroups: Record<StaffRole, string>;
  scopes: string;
  /** Authentication context classes the provider must vouch for, any one of them (asked for as acr_values); none to ask for none. */
  requiredAcr?: string[];
  /** Authentication methods the ID token's amr must name, any one of them (e.g. `mfa`, `hwk`); none to check none. */
  requiredAmr?: string[];
  /** Where the provider's session ends, when its discovery publishes no end_session_endpoint (Cognito's /logout). */
  logoutUrl?: string;
  /** Where the provider sends the browser after it ends its session (the console's sign-in page). */
  postLogoutRedirectUri?: string;
}

/** How long a client secret or private key read from its secret is used before it is read again (a rotated one is picked up). */
const CREDENTIAL_REREAD_MS = 5 * 60_000;
/** How far the provider's clock may be from the console's, for auth_time. */
const CLOCK_SKEW_S = 60;

/** The client's secret or private key, for the two client authentications that need one (from Secrets Manager). */
export type ClientCredential = () => Promise<{ clientSecret?: string; privateKey?: string; kid?: string }>;

/** Whether an issuer is this machine's own (the local cloud's provider, over plain HTTP). */
const isLoopback = (url: URL) => url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export class SignInRefused extends Error {}

/**
 * The console as an OpenID Connect relying party (openid-client): the authorization code flow
 * with PKCE, state and nonce; the ID token's signature, issuer, audience and lifetime checked
 * again with jose against the provider's published keys. Only a loopback issuer may be plain HTTP.
 */
export class RelyingParty {
  private configuration: Promise<client.Configuration> | undefined;
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  private credentialRead: { auth: Promise<client.ClientAuth>; at: number } | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly credential?: ClientCredential,
  ) {}

  /**
   * The client's authentication at the token endpoint, its secret or key read again after a few
   * minutes (a rotated one is picked up) and after any failure (a failed read is not kept).
   */
  private clientAuth(): Promise<client.ClientAuth> {
    const now = performance.now();
    if (this.credentialRead && now - this.credentialRead.at < CREDENTIAL_REREAD_MS) return this.credentialRead.auth;
    const auth = this.readClientAuth();
    this.credentialRead = { auth, at: now };
    auth.catch(() => {
      if (this.credentialRead?.auth === auth) this.credentialRead = undefined;
    });
    return auth;
  }

  private async readClientAuth(): Promise<client.ClientAuth> {
    if (this.settings.clientAuth === 'none') return client.None();
    const credential = (await this.credential?.()) ?? {};
    if (this.settings.clientAuth === 'client_secret_basic') {
      if (!credential.clientSecret) throw new Error('the client secret is missing: store {"clientSecret": ...} in the secret OIDC_CLIENT_SECRET_ARN names');
      return client.ClientSecretBasic(credential.clientSecret);
    }
    if (!credential.privateKey)
      throw new Error('the private key is missing: store {"privateKey": PKCS8 PEM, "kid": ...} in the secret OIDC_CLIENT_SECRET_ARN names');
    return client.PrivateKeyJwt({ key: await importPKCS8(credential.privateKey, 'RS256'), kid: credential.kid });
  }

  /** The provider's configuration, discovered once a container (again after a failure). */
  private discovered(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.settings.issuer);
      const config = await client.discovery(
        issuer,
        this.settings.clientId,
        undefined,
        client.None(),
        isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      const jwks = config.serverMetadata().jwks_uri;
      if (!jwks) throw new Error(`${this.settings.issuer} publishes no jwks_uri`);
      this.keys = createRemoteJWKSet(new URL(jwks));
      return config;
    })().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  /** The configuration for a call to the token endpoint: the discovered provider, with the client's current authentication. */
  private async config(): Promise<client.Configuration> {
    const discovered = await this.discovered();
    const config = new client.Configuration(discovered.serverMetadata(), this.settings.clientId, undefined, await this.clientAuth());
    if (isLoopback(new URL(this.settings.issuer))) client.allowInsecureRequests(config);
    return config;
  }

  /** Where to send the browser to sign in, and what the callback will need to check it. */
  async start(): Promise<{ url: string; state: string; codeVerifier: string; nonce: string }> {
    const config = await this.discovered();
    await this.clientAuth();
    const [codeVerifier, state, nonce] = [client.randomPKCECodeVerifier(), client.randomState(), client.randomNonce()];
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // Every console sign-in authenticates afresh (NIST SP 800-63B: after an idle timeout, again),
      // and the ID token says when (auth_time), which the callback checks.
      prompt: 'login',
      max_age: '0',
      ...(this.settings.requiredAcr?.length ? { acr_values: this.settings.requiredAcr.join(' ') } : {}),
    });
    return { url: url.href, state, codeVerifier, nonce };
  }

  /**
   * The verified identity and roles the provider's answer at the callback gives, when it
   * authenticated the person (auth_time) after `startedAt` with the assurance required; or why it
   * is refused. Its refresh token, if any, is what `recheck` later asks the provider with.
   */
  async finish(
    callbackUrl: URL,
    checks: { state: string; codeVerifier: string; nonce: string; startedAt?: number },
  ): Promise<{ identity: StaffIdentity; roles: StaffRole[]; authTime: number; refreshToken?: string }> {
    const config = await this.config();
    let tokens: client.TokenEndpointResponse;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new SignInRefused(`the identity provider's answer was refused: ${(error as Error).message}`);
    }
    const payload = await this.verifiedToken(config, tokens.id_token);
    const authTime = typeof payload.auth_time === 'number' ? payload.auth_time * 1000 : undefined;
    if (authTime === undefined) throw new SignInRefused('the identity provider did not say when you authenticated (auth_time)');
    if (checks.startedAt !== undefined && authTime < checks.startedAt - CLOCK_SKEW_S * 1000)
      throw new SignInRefused('the identity provider did not ask you to authenticate again: sign in again');
    const { requiredAcr = [], requiredAmr = [] } = this.settings;
    if (requiredAcr.length && !requiredAcr.includes(String(payload.acr ?? '')))
      throw new SignInRefused(`the identity provider did not vouch for the assurance this console requires (${requiredAcr.join(' or ')})`);
    const amr = Array.isArray(payload.amr) ? payload.amr.map(String) : [];
    if (requiredAmr.length && !amr.some((method) => requiredAmr.includes(method)))
      throw new SignInRefused(`the identity provider did not say you signed in with ${requiredAmr.join(' or ')}`);
    const identity = this.identityOf(payload);
    return { identity, roles: this.rolesOf(payload), authTime, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
  }

  /**
   * The person's roles as the provider gives them now (a refresh token grant): the roles of a
   * person removed from a group or disabled change or end here, not 12 hours later. Refused
   * when the provider refuses, or names someone else.
   */
  async recheck(refreshToken: string, identity: StaffIdentity): Promise<{ roles: StaffRole[]; refreshToken: string }> {
    const config = await this.config();
    let tokens: client.TokenEndpointResponse;
    try {
      tokens = await client.refreshTokenGrant(config, refreshToken);
    } catch (error) {
      throw new SignInRefused(`the identity provider no longer accepts this sign-in: ${(error as Error).message}`);
    }
    if (!tokens.id_token) throw new SignInRefused('the identity provider gave no ID token for the renewed sign-in');
    const payload = await this.verifiedToken(config, tokens.id_token);
    const now = this.identityOf(payload);
    if (now.issuer !== identity.issuer || now.subject !== identity.subject) throw new SignInRefused('the identity provider names someone else');
    return { roles: this.rolesOf(payload), refreshToken: tokens.refresh_token ?? refreshToken };
  }

  /**
   * Where to send the browser to end its session at the provider too (so that on a shared
   * computer the next person signs in afresh): its end_session_endpoint, or the logout URL
   * configured for one that publishes none (Cognito); undefined for a provider with neither.
   */
  async endSessionUrl(): Promise<string | undefined> {
    const config = await this.discovered();
    const back = this.settings.postLogoutRedirectUri;
    if (config.serverMetadata().end_session_endpoint)
      return client.buildEndSessionUrl(config, { client_id: this.settings.clientId, ...(back ? { post_logout_redirect_uri: back } : {}) }).href;
    if (!this.settings.logoutUrl) return undefined;
    const url = new URL(this.settings.logoutUrl);
    url.searchParams.set('client_id', this.settings.clientId);
    if (back) url.searchParams.set('logout_uri', back);
    return url.href;
  }

  private async verifiedToken(config: client.Configuration, idToken: string | undefined): Promise<JWTPayload> {
    if (!idToken) throw new SignInRefused('the identity provider gave no ID token');
    const { payload } = await jwtVerify(idToken, this.keys!, { issuer: config.serverMetadata().issuer, audience: this.settings.clientId }).catch(
      (error: Error) => {
        throw new SignInRefused(`the ID token was refused: ${error.message}`);
      },
    );
    return payload;
  }

  /** Who the token names: its issuer and subject; its email only when the provider says it verified it. */
  private identityOf(payload: JWTPayload): StaffIdentity {
    const email = typeof payload.email === 'string' ? payload.email : '';
    if (!payload.sub || !email) throw new SignInRefused('the identity provider gave no subject or no email address');
    // Only a plain true: a missing claim or the string "false" is not a verified address.
    if (payload.email_verified !== true) throw new SignInRefused(`the identity provider does not say ${email} is verified`);
    return { kind: 'staff', issuer: String(payload.iss), subject: payload.sub, email };
  }

  /** The roles the token's groups grant. */
  rolesOf(payload: JWTPayload): StaffRole[] {
    const claim = payload[this.settings.rolesClaim];
    const groups = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
    return STAFF_ROLES.filter((role) => groups.includes(this.settings.roleGroups[role]));
  }
}
