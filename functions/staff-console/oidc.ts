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
}

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

  constructor(
    readonly settings: OidcSettings,
    private readonly credential?: ClientCredential,
  ) {}

  private async clientAuth(): Promise<client.ClientAuth> {
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
  private config(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.settings.issuer);
      const config = await client.discovery(
        issuer,
        this.settings.clientId,
        undefined,
        await this.clientAuth(),
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

  /** Where to send the browser to sign in, and what the callback will need to check it. */
  async start(): Promise<{ url: string; state: string; codeVerifier: string; nonce: string }> {
    const config = await this.config();
    const [codeVerifier, state, nonce] = [client.randomPKCECodeVerifier(), client.randomState(), client.randomNonce()];
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      // Every console sign-in authenticates afresh (NIST SP 800-63B: after an idle timeout, again).
      prompt: 'login',
    });
    return { url: url.href, state, codeVerifier, nonce };
  }

  /** The verified identity and roles the provider's answer at the callback gives, or why it is refused. */
  async finish(callbackUrl: URL, checks: { state: string; codeVerifier: string; nonce: string }): Promise<{ identity: StaffIdentity; roles: StaffRole[] }> {
    const config = await this.config();
    let idToken: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw new SignInRefused(`the identity provider's answer was refused: ${(error as Error).message}`);
    }
    const { payload } = await jwtVerify(idToken!, this.keys!, { issuer: config.serverMetadata().issuer, audience: this.settings.clientId }).catch(
      (error: Error) => {
        throw new SignInRefused(`the ID token was refused: ${error.message}`);
      },
    );
    const email = typeof payload.email === 'string' ? payload.email : '';
    if (!payload.sub || !email) throw new SignInRefused('the identity provider gave no subject or no email address');
    if (payload.email_verified === false) throw new SignInRefused(`${email} is not verified at the identity provider`);
    return { identity: { kind: 'staff', issuer: String(payload.iss), subject: payload.sub, email }, roles: this.rolesOf(payload) };
  }

  /** The roles the token's groups grant. */
  rolesOf(payload: JWTPayload): StaffRole[] {
    const claim = payload[this.settings.rolesClaim];
    const groups = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
    return STAFF_ROLES.filter((role) => groups.includes(this.settings.roleGroups[role]));
  }
}
