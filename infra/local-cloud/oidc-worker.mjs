// The local cloud's identity provider (oidc-provider, a certified OpenID provider) on its own
// thread, on the local cloud's clock: it stands where Cognito's user pool (or the agency's own
// provider) stands in AWS, with one user per console role and its own sign-in page.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { URL, URLSearchParams } from 'node:url';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { exportJWK, generateKeyPair } from 'jose';
import { installVirtualDate } from './virtual-date.mjs';

installVirtualDate(workerData.clockBuffer);

// Functions deploy on Node 22; this machine's Node 20 runs the provider too, and it would say so on every start.
const warn = console.warn;
console.warn = (...args) => (String(args[0]).includes('Unsupported runtime') ? undefined : warn(...args));

/**
 * The provider's state (sessions, interactions, codes, grants) in this thread's memory, expiring
 * on the virtual clock: a local cloud's sign-ins do not outlive it.
 */
class MemoryAdapter {
  static items = new Map();
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    MemoryAdapter.items.set(this.key(id), { payload, until: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (payload.grantId) MemoryAdapter.items.set(`grant:${payload.grantId}:${this.key(id)}`, { payload: this.key(id), until: Infinity });
  }
  async find(id) {
    const item = MemoryAdapter.items.get(this.key(id));
    if (!item || item.until <= Date.now()) return undefined;
    return item.payload;
  }
  async findByUid(uid) {
    for (const [key, item] of MemoryAdapter.items)
      if (key.startsWith(`${this.model}:`) && item.payload.uid === uid) return this.find(key.slice(this.model.length + 1));
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id) {
    const item = MemoryAdapter.items.get(this.key(id));
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    MemoryAdapter.items.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const [key, item] of MemoryAdapter.items) {
      if (!key.startsWith(`grant:${grantId}:`)) continue;
      MemoryAdapter.items.delete(item.payload);
      MemoryAdapter.items.delete(key);
    }
  }
}

/** @type {{ subject: string; username: string; password: string; groups: string[]; claims?: Record<string, unknown> }[]} */
const users = workerData.users;
const { clientId, redirectUri, rolesClaim, clientJwks } = workerData;
// Where the console's sign-in page is: the provider sends the browser there once its own session ends.
const postLogoutRedirectUri = redirectUri.replace(/callback$/, 'sign-in?signedOut=1');
const scale = Math.max(1, Math.round(new Float64Array(workerData.clockBuffer)[0]));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:28em;margin:3em auto}label{display:block;margin:.6em 0}input{width:100%}.error{color:#a00}</style></head><body>${body}</body></html>`;
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:*; frame-ancestors 'none'",
};

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(workerData.port ?? 0, '127.0.0.1', resolve);
}).catch((error) => {
  parentPort.postMessage({ error: `the identity provider cannot listen: ${error.message}` });
  throw error;
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const { default: Provider } = await import('oidc-provider');

// Its signing key, new each start: ID tokens are only read at the console's callback.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'local', use: 'sig', alg: 'RS256' }] },
  // A public client with PKCE (as Cognito's app client here), or, given its public keys, one that
  // signs a JWT to authenticate at the token endpoint (private_key_jwt, as login.gov requires).
  clients: [
    {
      client_id: clientId,
      redirect_uris: [redirectUri],
      // The refresh token is how the console asks again, every few minutes, what roles a person has.
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      ...(clientJwks ? { token_endpoint_auth_method: 'private_key_jwt', jwks: clientJwks } : { token_endpoint_auth_method: 'none' }),
    },
  ],
  pkce: { required: () => true },
  // The assurance levels its users sign in at, so that it puts them in ID tokens (acr).
  acrValues: [...new Set(users.flatMap((u) => (u.claims?.acr ? [u.claims.acr] : [])))],
  async findAccount(_ctx, subject) {
    const user = users.find((u) => u.subject === subject);
    // A user's own claims (a test's unverified email, say) stand over the usual ones.
    return (
      user && { accountId: subject, claims: () => ({ sub: subject, email: user.username, email_verified: true, [rolesClaim]: user.groups, ...user.claims }) }
    );
  },
  // When and how the person authenticated in every ID token, as Cognito, Entra ID and Okta put them there.
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: [rolesClaim],
  },
  // The roles claim in the ID token, as Cognito puts cognito:groups there.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    // Signing out of the console ends the session here too, after the person confirms it (a form, as every provider asks).
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = page(
          'Sign out',
          `<h1>Sign out of the agency sign-in</h1><p>You are signed out of the staff console. End your sign-in here too, so that the next person at this computer must sign in.</p>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out of the agency sign-in</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Signed out', '<h1>Signed out</h1><p>You are signed out of the agency sign-in.</p>');
      },
    },
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // Staff consent once, for the agency: the console is the agency's own client.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'amr', 'acr', rolesClaim]);
    await grant.save();
    return grant;
  },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  // A sign-in takes at most an hour; the provider's own session lasts a working day. In real
  // time, however fast virtual time runs (its rate, in npm start).
  ttl: Object.fromEntries(
    Object.entries({
      Interaction: 3600,
      Session: 12 * 3600,
      Grant: 12 * 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      AccessToken: 3600,
      RefreshToken: 12 * 3600,
    }).map(([k, v]) => [k, v * scale]),
  ),
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});
// Quiet: a refused request is answered, not logged.
provider.on('server_error', (_ctx, error) => console.error(`[idp] ${error.message}`));

/**
 * Cookies without Expires or Max-Age: the browser runs on the wall clock, this provider on the
 * virtual one, so lifetimes stay on the server (a cookie being cleared keeps its past date).
 */
function sessionCookies(response) {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = (name, value) => {
    if (String(name).toLowerCase() !== 'set-cookie') return setHeader(name, value);
    const strip = (cookie) => (/^[^=]+=;/.test(cookie) ? cookie : cookie.replace(/;\s*(expires|max-age)=[^;]*/gi, ''));
    return setHeader(name, Array.isArray(value) ? value.map(strip) : strip(String(value)));
  };
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
      if (body.length > 16_384) request.destroy(new Error('form too large'));
    });
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

const same = (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function loginForm(uid, error = '', username = '') {
  return page(
    'Sign in',
    `<h1>Agency sign-in</h1><p>recallguard's local identity provider.</p>${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login"><label>Email <input name="username" type="email" autocomplete="username" value="${escape(username)}" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>`,
  );
}

const callback = provider.callback();
server.on('request', async (request, response) => {
  sessionCookies(response);
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(request.url, issuer).pathname);
  if (!match) return callback(request, response);
  try {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== match[1]) throw new Error('this sign-in is not the one under way');
    if (request.method === 'GET' && !match[2]) {
      response.writeHead(200, HEADERS);
      return response.end(loginForm(details.uid));
    }
    if (request.method === 'POST' && match[2]) {
      const form = await readForm(request);
      const username = form.get('username') ?? '';
      const user = users.find((u) => u.username === username);
      if (!user || !same(user.password, form.get('password') ?? '')) {
        response.writeHead(200, HEADERS);
        return response.end(loginForm(details.uid, 'The email or the password is wrong.', username));
      }
      // How they authenticated, as a provider with MFA or an assurance level says (a user's own claims).
      const how = { ...(user.claims?.amr ? { amr: user.claims.amr } : {}), ...(user.claims?.acr ? { acr: user.claims.acr } : {}) };
      return await provider.interactionFinished(request, response, { login: { accountId: user.subject, ...how } }, { mergeWithLastSubmission: false });
    }
    response.writeHead(405, HEADERS);
    response.end(page('Not allowed', '<p>Not allowed.</p>'));
  } catch (error) {
    response.writeHead(400, HEADERS);
    response.end(page('Sign-in error', `<h1>Sign-in error</h1><p>${escape(error.message)}</p><p>Start again from the staff console.</p>`));
  }
});

parentPort.postMessage({ port: server.address().port, issuer });
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close(() => parentPort.postMessage({ stopped: true }));
  server.closeAllConnections();
});
