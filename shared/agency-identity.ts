/**
 * Who in the agency made a change, as it was verified: a staff member signed in to the console
 * through the agency's identity provider (its issuer, the subject it names, and their email), or
 * an IAM principal whose SigV4 signature API Gateway checked (the CLI with `--aws`, the agency's
 * own tools). Never a name taken from a form or a payload.
 */
export type StaffIdentity = { kind: 'staff'; issuer: string; subject: string; email: string };
export type AgencyIdentity = StaffIdentity | { kind: 'iam'; principalArn: string };

/** The name a record keeps for it: the email, or the principal's ARN. */
export function identityName(identity: AgencyIdentity): string {
  return identity.kind === 'staff' ? identity.email : identity.principalArn;
}

/** The audit log's actor for it. */
export function identityActor(identity: AgencyIdentity): `staff:${string}` | `agency:${string}` {
  return identity.kind === 'staff' ? `staff:${identity.email}` : `agency:${identity.principalArn}`;
}

/** The audit log's actor for a name a record kept (`identityName`): an IAM principal's ARN, or a staff member's email. */
export function actorOfName(name: string): `staff:${string}` | `agency:${string}` {
  return name.startsWith('arn:') ? `agency:${name}` : `staff:${name}`;
}

/** What a case and an audit entry keep of a signed-in staff member beyond the email: who vouched for them, and as whom. */
export function verifiedIdentity(identity: AgencyIdentity): { identity: { issuer: string; subject: string; email: string } } | Record<string, never> {
  return identity.kind === 'staff' ? { identity: { issuer: identity.issuer, subject: identity.subject, email: identity.email } } : {};
}
