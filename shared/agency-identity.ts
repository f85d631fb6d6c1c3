/**
 * Who in the agency made a change, as it was verified: a staff member (by email), or an IAM
 * principal whose SigV4 signature API Gateway checked (the CLI with `--aws`, the agency's own
 * tools). Never a name taken from a payload.
 */
export type AgencyIdentity = { kind: 'staff'; email: string } | { kind: 'iam'; principalArn: string };

/** The name a record keeps for it: the email, or the principal's ARN. */
export function identityName(identity: AgencyIdentity): string {
  return identity.kind === 'staff' ? identity.email : identity.principalArn;
}

/** The audit log's actor for it. */
export function identityActor(identity: AgencyIdentity): `staff:${string}` | `agency:${string}` {
  return identity.kind === 'staff' ? `staff:${identity.email}` : `agency:${identity.principalArn}`;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** A staff member named by a direct invocation's `by`, if it is an email address. */
export function staffIdentity(by: unknown): AgencyIdentity | undefined {
  return typeof by === 'string' && EMAIL.test(by) ? { kind: 'staff', email: by } : undefined;
}
