/**
 * Who in the agency made a change, as it was verified: a staff member signed in to the console
 * through the agency's identity provider (the issuer and the subject it names are who they are;
 * the email is how people read it), or an IAM principal that proved itself to AWS STS (the CLI
 * with `--aws`, the agency's own tools). Never a name taken from a form or a payload.
 */
export type StaffIdentity = { kind: 'staff'; issuer: string; subject: string; email: string };

/**
 * An IAM principal as STS named it (GetCallerIdentity): `principal` is the part IAM vouches for
 * (the user, or the role of an assumed-role session), `sessionName` the name the caller gave its
 * role session, which IAM does not check unless the agency's trust policy binds it.
 */
export type IamIdentity = {
  kind: 'iam';
  /** The ARN STS answered with, e.g. arn:aws:sts::123456789012:assumed-role/Compliance/jane. */
  principalArn: string;
  account: string;
  /** STS's unique id of the principal (AROA…:session for a role session, AIDA… for a user). */
  userId: string;
  /** The user's ARN, or the role's (arn:aws:iam::123456789012:role/Compliance) for a role session. */
  principal: string;
  sessionName?: string;
};

export type AgencyIdentity = StaffIdentity | IamIdentity;

/**
 * The verified identity STS's answer describes: a role session is split into its role (verified)
 * and its session name (the caller's claim). Undefined for what is not an ARN STS gives.
 */
export function iamIdentity(answer: { arn: string; account: string; userId: string }): IamIdentity | undefined {
  const parts = /^arn:(aws|aws-us-gov|aws-cn):(iam|sts)::(\d{12}):(.+)$/.exec(answer.arn);
  if (!parts || parts[3] !== answer.account) return undefined;
  const [, partition, service, account, resource] = parts as unknown as [string, string, string, string, string];
  const base = { kind: 'iam' as const, principalArn: answer.arn, account, userId: answer.userId };
  const session = /^assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(resource);
  if (service === 'sts' && session) return { ...base, principal: `arn:${partition}:iam::${account}:role/${session[1]}`, sessionName: session[2] };
  if (service === 'iam' && /^(user\/.+|root)$/.test(resource)) return { ...base, principal: answer.arn };
  if (service === 'sts' && /^federated-user\/.+$/.test(resource)) return { ...base, principal: answer.arn };
  return undefined;
}

/** The name a record keeps for it: the email, or the IAM user or role. */
export function identityName(identity: AgencyIdentity): string {
  return identity.kind === 'staff' ? identity.email : identity.principal;
}

/** The audit log's actor for it. */
export function identityActor(identity: AgencyIdentity): `staff:${string}` | `agency:${string}` {
  return identity.kind === 'staff' ? `staff:${identity.email}` : `agency:${identity.principal}`;
}

/** What a record keeps of a verified IAM principal, beside its name. */
export type VerifiedPrincipal = Omit<IamIdentity, 'kind'> & { sessionNameIs?: 'claimed by the caller' };

/**
 * What a case and an audit entry keep of who acted beyond its name: for a staff member, who
 * vouched for them and as whom; for an IAM principal, STS's whole answer, its session name
 * marked as the caller's own claim.
 */
export function verifiedIdentity(
  identity: AgencyIdentity,
): { identity: { issuer: string; subject: string; email: string } } | { principal: VerifiedPrincipal } {
  if (identity.kind === 'staff') return { identity: { issuer: identity.issuer, subject: identity.subject, email: identity.email } };
  const { kind: _kind, ...principal } = identity;
  return { principal: { ...principal, ...(principal.sessionName ? { sessionNameIs: 'claimed by the caller' as const } : {}) } };
}

/** The actor a record's verified identity names: the staff member it keeps, or else the IAM principal (`by`). */
export function actorOfRecord(record: { by: string; identity?: { email: string } }): `staff:${string}` | `agency:${string}` {
  return record.identity ? `staff:${record.identity.email}` : `agency:${record.by}`;
}
