import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StaffIdentity } from '#shared/agency-identity.ts';
import { PROOF_LIFETIME_MS } from '#shared/iam-proof.ts';
import { isConditionFailure } from './document-client.ts';

/** What a signed-in staff member may do: read everything, decide cases, administer marketplaces, keys and links. */
export const STAFF_ROLES = ['viewer', 'decider', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** NIST SP 800-63B at AAL2: a session ends after 30 minutes without a request, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** How long a sign-in may take at the identity provider. */
export const SIGN_IN_MS = 10 * 60_000;
/** How often a session's roles are asked of the identity provider again (a person removed from a group loses the role within this). */
export const ROLE_RECHECK_MS = 15 * 60_000;
/** How recent a sign-in an administrator's change takes (issuing keys, a marketplace's addresses): ASVS 3.7.1. */
export const FRESH_SIGN_IN_MS = 15 * 60_000;

/** A signed-in staff member's session, kept under the SHA-256 of its cookie: the table never holds a usable token. */
export interface StaffSession {
  key: string;
  identity: StaffIdentity;
  roles: StaffRole[];
  /** The token every form of this session carries (CSRF). */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  /** When the person authenticated at the identity provider (its auth_time). */
  authTime: number;
  /**
   * When the provider last confirmed the roles, and the refresh token it is asked with, sealed
   * under a key only the session's cookie gives (none: the provider issues none).
   */
  rolesCheckedAt: number;
  sealedRefreshToken?: string;
  /** Its idle and absolute limits, and how recent a sign-in an administrator's change takes, as the console set them: every function that checks it uses these. */
  idleMs: number;
  absoluteMs: number;
  freshMs: number;
  /** When DynamoDB may delete it (epoch seconds): the earlier of the idle and absolute ends. */
  expiresAt: number;
}

/** A sign-in under way: what the callback checks (state, nonce) and proves (the PKCE verifier). */
export interface PendingSignIn {
  key: string;
  codeVerifier: string;
  nonce: string;
  /** The console page to return to. */
  returnTo: string;
  /** When it started: the provider's auth_time must be later. */
  startedAt: number;
  expiresAt: number;
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('base64url');

/** The key a session's refresh token is sealed under: derived from its cookie's secret, which the table never holds. */
const sealingKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'recallguard', 'staff session refresh token', 32));

/** A refresh token sealed (AES-256-GCM) for the session whose cookie holds `secret`. */
function seal(secret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

/** The refresh token sealed for the session whose cookie holds `secret`; undefined for another cookie or a damaged seal. */
function unseal(secret: string, sealed: string): string | undefined {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
const token = () => randomBytes(32).toString('base64url');
const seconds = (ms: number) => Math.ceil(ms / 1000);
/** Where a session's token is kept: under its hash. */
const keyOf = (secret: string) => `session#${hash(secret)}`;
const isToken = (secret: unknown): secret is string => typeof secret === 'string' && secret.length > 0 && secret.length <= 100;

/** Whether a session has ended at `now`, and how: its last request too long ago, or its sign-in. */
function endOf(session: StaffSession, now: number): SessionEnd | undefined {
  if (now - session.createdAt >= session.absoluteMs) return 'absolute';
  return now - session.lastSeenAt >= session.idleMs ? 'idle' : undefined;
}

/** Why a session is not live, for the sign-in page to say. */
export type SessionEnd = 'none' | 'idle' | 'absolute';

/**
 * Staff sessions and sign-ins under way, in one DynamoDB table with TTL. A session is live while
 * its last request is under 30 minutes old and its sign-in under 12 hours; each live request
 * moves its idle end on. Times are the caller's clock (the virtual one locally).
 */
export class SessionStore {
  /**
   * `scale`: how many minutes of the clock make a minute of a session. 1 in AWS; a local cloud
   * whose virtual time runs N times faster than real time (`npm start`) passes N, so that a
   * session still lasts 30 real minutes idle there.
   */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly scale = 1,
  ) {}

  /** A new session for a verified identity: the cookie's token, seen only here. */
  async create(
    identity: StaffIdentity,
    roles: StaffRole[],
    now: number,
    signIn: { authTime: number; refreshToken?: string } = { authTime: now },
  ): Promise<{ token: string; session: StaffSession }> {
    const secret = token();
    const idleMs = SESSION_IDLE_MS * this.scale;
    const session: StaffSession = {
      key: keyOf(secret),
      identity,
      roles,
      csrf: token(),
      createdAt: now,
      lastSeenAt: now,
      authTime: signIn.authTime,
      rolesCheckedAt: now,
      ...(signIn.refreshToken ? { sealedRefreshToken: seal(secret, signIn.refreshToken) } : {}),
      idleMs,
      // With no refresh token the provider cannot be asked again for the roles: the session lasts until it would be.
      absoluteMs: (signIn.refreshToken ? SESSION_ABSOLUTE_MS : ROLE_RECHECK_MS) * this.scale,
      freshMs: FRESH_SIGN_IN_MS * this.scale,
      expiresAt: seconds(now + idleMs),
    };
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: session, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'key' } }),
    );
    return { token: secret, session };
  }

  /** The session a token opens, if it is live at `now`; otherwise why not (an ended one is deleted). */
  async live(secret: string | undefined, now: number): Promise<{ session: StaffSession } | { ended: SessionEnd }> {
    const session = await this.read(secret);
    if (!session) return { ended: 'none' };
    const ended = endOf(session, now);
    if (ended) {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { key: session.key } }));
      return { ended };
    }
    return { session };
  }

  /**
   * The session a token opens if it is live at `now`, without changing anything: how the
   * functions the console invokes check the session it passes them.
   */
  async verify(secret: unknown, now: number): Promise<StaffSession | undefined> {
    const session = await this.read(secret);
    return session && !endOf(session, now) ? session : undefined;
  }

  /** The session stored under a token, ended or not; nothing for what cannot be a token. */
  private async read(secret: unknown): Promise<StaffSession | undefined> {
    if (!isToken(secret)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { key: keyOf(secret) }, ConsistentRead: true }));
    return Item as StaffSession | undefined;
  }

  /** Whether the provider should be asked again what roles the session's person has. */
  recheckDue(session: StaffSession, now: number): boolean {
    return Boolean(session.sealedRefreshToken) && now - (session.rolesCheckedAt ?? session.createdAt) >= ROLE_RECHECK_MS * this.scale;
  }

  /** The session's refresh token, opened with its cookie's secret. */
  refreshTokenOf(session: StaffSession, secret: string): string | undefined {
    return session.sealedRefreshToken ? unseal(secret, session.sealedRefreshToken) : undefined;
  }

  /** The roles the provider gives now, and its new refresh token (sealed again for the cookie's secret). */
  async rechecked(session: StaffSession, roles: StaffRole[], refreshToken: string, now: number, secret: string): Promise<StaffSession> {
    const sealedRefreshToken = seal(secret, refreshToken);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { key: session.key },
        UpdateExpression: 'SET #roles = :roles, sealedRefreshToken = :refresh, rolesCheckedAt = :now',
        ConditionExpression: 'attribute_exists(#k)',
        ExpressionAttributeNames: { '#k': 'key', '#roles': 'roles' },
        ExpressionAttributeValues: { ':roles': roles, ':refresh': sealedRefreshToken, ':now': now },
      }),
    );
    return { ...session, roles, sealedRefreshToken, rolesCheckedAt: now };
  }

  /** Whether the session's sign-in is recent enough for an administrator's change. */
  static isFresh(session: StaffSession, now: number): boolean {
    return now - (session.authTime ?? 0) < (session.freshMs ?? FRESH_SIGN_IN_MS);
  }

  /** Moves a live session's idle end on (a request was served). */
  async touch(session: StaffSession, now: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key: session.key },
          UpdateExpression: 'SET lastSeenAt = :now, expiresAt = :expires',
          ConditionExpression: 'attribute_exists(#k)',
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: { ':now': now, ':expires': seconds(Math.min(now + session.idleMs, session.createdAt + session.absoluteMs)) },
        }),
      );
    } catch (error) {
      // Signed out meanwhile: the request was already checked, the next one will not be.
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Every live session, the newest first. The table holds only what expires within 12 hours
   * (sessions, sign-ins under way, used proofs), so a scan of it reads little.
   */
  async liveSessions(now: number): Promise<StaffSession[]> {
    const found: StaffSession[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(#k, :session)',
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: { ':session': 'session#' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      found.push(...((page.Items ?? []) as StaffSession[]).filter((s) => !endOf(s, now)));
      start = page.LastEvaluatedKey;
    } while (start);
    return found.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ends every session of one person (their provider's issuer and subject): each of their cookies opens nothing from now on. */
  async endSessionsOf(person: { issuer: string; subject: string }, now: number): Promise<StaffSession[]> {
    return this.endSessions((await this.liveSessions(now)).filter((s) => s.identity.issuer === person.issuer && s.identity.subject === person.subject));
  }

  /** Ends these sessions (found live a moment ago). */
  async endSessions(sessions: StaffSession[]): Promise<StaffSession[]> {
    for (const session of sessions) await this.db.send(new DeleteCommand({ TableName: this.table, Key: { key: session.key } }));
    return sessions;
  }

  /** Ends a session on the server (sign-out): its cookie opens nothing from now on. */
  async end(secret: string | undefined): Promise<void> {
    if (!isToken(secret)) return;
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { key: keyOf(secret) } }));
  }

  /**
   * Remembers an IAM caller's identity proof (by its signature's hash) for as long as it is
   * good: false when it was used before, so that a proof opens one request only.
   */
  async useProof(signature: string, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { key: `proof#${hash(signature)}`, expiresAt: seconds(now + 2 * PROOF_LIFETIME_MS) },
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': 'key' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Keeps a sign-in under way, under its state; the browser keeps the state in a cookie. */
  async startSignIn(state: string, codeVerifier: string, nonce: string, returnTo: string, now: number): Promise<void> {
    const pending: PendingSignIn = {
      key: `signin#${hash(state)}`,
      codeVerifier,
      nonce,
      returnTo,
      startedAt: now,
      expiresAt: seconds(now + SIGN_IN_MS * this.scale),
    };
    await this.db.send(new PutCommand({ TableName: this.table, Item: pending }));
  }

  /** The sign-in under way for a state, taken once (a replayed callback finds nothing), if it has not expired. */
  async takeSignIn(state: string, now: number): Promise<PendingSignIn | undefined> {
    if (state.length > 100) return undefined;
    const { Attributes } = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { key: `signin#${hash(state)}` }, ReturnValues: 'ALL_OLD' }));
    const pending = Attributes as PendingSignIn | undefined;
    return pending && pending.expiresAt * 1000 > now ? pending : undefined;
  }
}
