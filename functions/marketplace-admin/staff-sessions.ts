import { identityActor, verifiedIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { now } from '#shared/clock.ts';
import type { AuditLog } from '#shared/store/audit-log.ts';
import type { SessionStore } from '#shared/store/session-store.ts';
import type { RefusalKind } from '../runtime/agency-route.ts';

/** Whose console sessions to end: a person as their identity provider names them (issuer and subject), or by their email. */
export type EndSessionsRequest = { action: 'end-sessions'; issuer?: unknown; subject?: unknown; email?: unknown };

export type EndSessionsResult = { ok: true; action: 'end-sessions'; ended: number; people: string[] } | { ok: false; error: string; kind: RefusalKind };

/** The audit log that keeps who ended whose sessions. */
export const STAFF_SESSIONS_SUBJECT = 'staff-sessions';

/**
 * Ends a person's console sessions (an administrator, from the console or the CLI): their next
 * request lands on the sign-in page, where the identity provider decides again. Each person's
 * end is audited under whoever asked.
 */
export async function endStaffSessions(
  request: EndSessionsRequest,
  by: AgencyIdentity,
  deps: { sessions: SessionStore; audit: AuditLog },
): Promise<EndSessionsResult> {
  const at = now();
  const text = (value: unknown) => (typeof value === 'string' && value.length <= 300 ? value.trim() : '');
  const [issuer, subject, email] = [text(request.issuer), text(request.subject), text(request.email).toLowerCase()];
  if (!(issuer && subject) && !email) return { ok: false, error: 'give the email of the person, or their issuer and subject', kind: 'invalid' };
  const live = await deps.sessions.liveSessions(at.getTime());
  // One read of the live sessions: each person's found there are ended.
  const people = new Map<string, { person: { issuer: string; subject: string; email: string }; sessions: typeof live }>();
  for (const session of live) {
    const { identity } = session;
    const matches = issuer && subject ? identity.issuer === issuer && identity.subject === subject : identity.email.toLowerCase() === email;
    if (!matches) continue;
    const key = `${identity.issuer} ${identity.subject}`;
    people.set(key, { person: identity, sessions: [...(people.get(key)?.sessions ?? []), session] });
  }
  let ended = 0;
  for (const { person, sessions } of people.values()) {
    await deps.sessions.endSessions(sessions);
    ended += sessions.length;
    await deps.audit.append({
      subject: STAFF_SESSIONS_SUBJECT,
      at: at.toISOString(),
      actor: identityActor(by),
      action: 'STAFF_SESSIONS_ENDED',
      detail: { person, sessions: sessions.length, ...verifiedIdentity(by) },
    });
  }
  return { ok: true, action: 'end-sessions', ended, people: [...people.values()].map((p) => p.person.email) };
}
