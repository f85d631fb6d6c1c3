import { functionNameOf } from '../arn.ts';
import type { TemplateResolver } from '../template.ts';

/** An IAM policy document, resolved to plain values. */
export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy attached to an identity, by the name it has in the template (a policy's logical id, or a role's inline policy name). */
export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

/** An IAM role of the template: who may assume it, and what its policies allow. */
export interface RoleDefinition {
  logicalId: string;
  arn: string;
  name: string;
  trust: PolicyDocument;
  policies: NamedPolicy[];
  /** AWS managed policies attached to it: their documents are not in the template, so a call it makes cannot be decided here. */
  awsManagedPolicies: string[];
}

/**
 * The condition keys the local cloud supplies with a request (lower case, as IAM compares them).
 * A policy that tests any other key is refused at deploy: the local cloud could not decide it as
 * AWS would.
 */
export const SUPPLIED_CONDITION_KEYS = new Set([
  'aws:securetransport',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:principalservicename',
  'aws:requestedregion',
  'aws:userid',
  'aws:username',
  'aws:currenttime',
  'aws:epochtime',
  'ses:fromaddress',
  'ses:recipients',
  'ses:apiversion',
  'ses:feedbackaddress',
  'dynamodb:select',
  'dynamodb:returnvalues',
  'dynamodb:returnconsumedcapacity',
  'secretsmanager:secretid',
  'secretsmanager:versionstage',
]);

export const statementsOf = (document: PolicyDocument): Statement[] => [document.Statement].flat();

/** The condition keys a policy tests, lower case. */
export function conditionKeysOf(document: PolicyDocument): string[] {
  return statementsOf(document).flatMap((s) => Object.values(s.Condition ?? {}).flatMap((test) => Object.keys(test).map((k) => k.toLowerCase())));
}

/** A Lambda permission (AddPermission, AWS::Lambda::Permission) as the statement Lambda writes into the function's policy. */
function permissionStatement(id: string, p: Record<string, unknown>, functionArn: string): Statement {
  const principal = String(p.Principal);
  const condition: Statement['Condition'] = {};
  if (p.SourceArn) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
  if (p.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': p.SourceAccount };
  for (const unsupported of ['EventSourceToken', 'PrincipalOrgID', 'FunctionUrlAuthType']) {
    if (p[unsupported] !== undefined) throw new Error(`${id}: the local cloud does not evaluate a Lambda permission with ${unsupported}`);
  }
  return {
    Sid: id,
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: String(p.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

/**
 * What the template says about access, resolved: its roles (trust, inline, attached and managed
 * policies) and its resource policies by the ARN of the resource they guard (topics, keys,
 * functions, secrets, tables).
 */
export class TemplateIam {
  readonly roles = new Map<string, RoleDefinition>();
  readonly resourcePolicies = new Map<string, PolicyDocument>();

  constructor(private readonly resolver: TemplateResolver) {
    for (const [id, role] of resolver.ofType('AWS::IAM::Role')) {
      const p = role.Properties ?? {};
      const inline = (resolver.resolve(p.Policies ?? []) as { PolicyName: string; PolicyDocument: PolicyDocument }[]).map((i) => ({
        name: `${id}/${i.PolicyName}`,
        policy: i.PolicyDocument,
      }));
      this.roles.set(resolver.arn(id), {
        logicalId: id,
        arn: resolver.arn(id),
        name: resolver.ref(id),
        trust: resolver.resolve(p.AssumeRolePolicyDocument) as PolicyDocument,
        policies: inline,
        awsManagedPolicies: [],
      });
    }
    const managed = new Map(
      resolver
        .ofType('AWS::IAM::ManagedPolicy')
        .map(([id, m]) => [resolver.arn(id), { name: id, policy: resolver.resolve(m.Properties!.PolicyDocument) as PolicyDocument }]),
    );
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const [id, policy] of resolver.ofType(type)) {
        const p = policy.Properties ?? {};
        const document = resolver.resolve(p.PolicyDocument) as PolicyDocument;
        for (const roleName of resolver.resolve(p.Roles ?? []) as string[]) this.roleNamed(roleName, id).policies.push({ name: id, policy: document });
      }
    }
    // A role's ManagedPolicyArns: the template's own policies are attached; AWS's are noted, not guessed.
    for (const [id, role] of resolver.ofType('AWS::IAM::Role')) {
      const definition = this.roles.get(resolver.arn(id))!;
      for (const arn of (resolver.resolve(role.Properties?.ManagedPolicyArns ?? []) as unknown[]).map(String)) {
        const own = managed.get(arn);
        if (own) definition.policies.push(own);
        else definition.awsManagedPolicies.push(arn);
      }
    }
    this.readResourcePolicies();
  }

  private roleNamed(name: string, by: string): RoleDefinition {
    const role = [...this.roles.values()].find((r) => r.name === name);
    if (!role) throw new Error(`${by} is attached to the role ${name}, which the template does not define`);
    return role;
  }

  private addResourceStatements(arn: string, statements: Statement[]): void {
    const existing = this.resourcePolicies.get(arn);
    this.resourcePolicies.set(arn, { Version: '2012-10-17', Statement: [...(existing ? statementsOf(existing) : []), ...statements] });
  }

  private readResourcePolicies(): void {
    const r = this.resolver;
    for (const [, policy] of r.ofType('AWS::SNS::TopicPolicy')) {
      const document = r.resolve(policy.Properties!.PolicyDocument) as PolicyDocument;
      for (const topic of r.resolve(policy.Properties!.Topics) as string[]) this.addResourceStatements(topic, statementsOf(document));
    }
    for (const [id, key] of r.ofType('AWS::KMS::Key')) {
      this.addResourceStatements(r.arn(id), statementsOf(r.resolve(key.Properties!.KeyPolicy) as PolicyDocument));
    }
    for (const [id, permission] of r.ofType('AWS::Lambda::Permission')) {
      const p = r.resolve(permission.Properties) as Record<string, unknown>;
      const functionArn = `arn:aws:lambda:${r.names.region}:${r.names.account}:function:${functionNameOf(String(p.FunctionName))}`;
      this.addResourceStatements(functionArn, [permissionStatement(id, p, functionArn)]);
    }
    for (const [, policy] of r.ofType('AWS::SecretsManager::ResourcePolicy')) {
      const p = r.resolve(policy.Properties) as { SecretId: string; ResourcePolicy: PolicyDocument };
      this.addResourceStatements(p.SecretId, statementsOf(p.ResourcePolicy));
    }
    for (const [id, table] of r.ofType('AWS::DynamoDB::Table')) {
      const document = (r.resolve(table.Properties?.ResourcePolicy) as { PolicyDocument?: PolicyDocument } | undefined)?.PolicyDocument;
      if (document) this.addResourceStatements(r.arn(id), statementsOf(document));
    }
  }

  /** The role a resource's `RoleArn` (or Role) property names. */
  role(arn: string): RoleDefinition | undefined {
    return this.roles.get(arn);
  }

  /** Every policy document of the template: identity, trust and resource policies. */
  documents(): { name: string; policy: PolicyDocument }[] {
    return [
      ...[...this.roles.values()].flatMap((role) => [{ name: `${role.logicalId} (trust)`, policy: role.trust }, ...role.policies]),
      ...[...this.resourcePolicies].map(([arn, policy]) => ({ name: `the resource policy of ${arn}`, policy })),
    ];
  }
}
