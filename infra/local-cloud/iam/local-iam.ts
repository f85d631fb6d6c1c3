import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { getDenialReasons, runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { verifyNodeRequest } from './sigv4.mjs';
import { conditionKeysOf, SUPPLIED_CONDITION_KEYS, TemplateIam, type NamedPolicy, type PolicyDocument, type RoleDefinition } from './policies.ts';

/** Who makes a request: an IAM user, a session of a role (a function's, a state machine's), or an AWS service. */
export type Principal =
  | { kind: 'user'; arn: string; name: string; policies: NamedPolicy[] }
  | { kind: 'role'; arn: string; roleArn: string; sessionName: string }
  | { kind: 'service'; service: string };

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A set of credentials the local cloud issued, with the principal it stands for. */
export interface IssuedCredentials extends Credentials {
  principal: Principal;
  /** The faults the local cloud injects apply to these credentials' requests (the functions'). */
  faults: boolean;
}

/** One authorization: an action on one resource (a call that touches several resources is several). */
export interface AccessRequest {
  principal: Principal;
  action: string;
  resource: string;
  /** The request's own condition keys (ses:FromAddress, aws:SourceArn...); the principal's are added. */
  context?: Record<string, string | string[]>;
}

/** A denied call, as the local cloud records it. */
export interface Denial {
  /** Virtual time. */
  at: string;
  principal: string;
  action: string;
  resource: string;
  /** What decided: an explicit deny (its policy and statement), or the absence of an allow. */
  reason: string;
  /** What AWS tells the caller. */
  message: string;
}

export type Decision = { allowed: true } | { allowed: false; message: string; denial: Denial };

/**
 * Actions the service authorization reference lists without a resource type, which AWS still
 * authorizes on a resource: Step Functions' task responses on the state machine of the token's
 * execution (its AccessDenied messages name that state machine, and grants on it work).
 */
const RESOURCE_NAMED_DESPITE_REFERENCE = new Set(['states:sendtasksuccess', 'states:sendtaskfailure', 'states:sendtaskheartbeat']);

/** How AWS names a principal in its messages: its ARN, or a service's name. */
export const principalName = (p: Principal) => (p.kind === 'service' ? p.service : p.arn);

/** Decisions kept at most (a policy testing aws:SourceArn makes one a source): beyond, the oldest are dropped. */
const MAX_DECISIONS = 20_000;

/** The account a resource ARN belongs to (KMS key policies and the like say `*` for "this resource"). */
const accountOf = (arn: string, fallback: string) => arn.split(':')[4] || fallback;

/** The resource whose policy guards `resource`: a table for its index, a function for its versions and aliases. */
function guardedResource(resource: string): string {
  const index = /^(arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+)\/index\/.+$/.exec(resource);
  if (index) return index[1]!;
  const qualified = /^(arn:aws:lambda:[^:]*:[^:]*:function:[^:]+):.+$/.exec(resource);
  return qualified ? qualified[1]! : resource;
}

/** Refuses a malformed policy as IAM does (MalformedPolicyDocument), naming it and what is wrong. */
function validate(policies: NamedPolicy[], validator: (policy: unknown) => { message: string; path: string }[]): void {
  for (const { name, policy } of policies) {
    const errors = validator(policy);
    if (errors.length) throw new Error(`MalformedPolicyDocument: ${name}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/**
 * One evaluation: in full (validating the request against AWS's data), but for the task responses
 * AWS authorizes on a resource its reference does not list, which take the evaluator's unchecked path.
 */
async function simulate(simulation: Simulation): Promise<{ result: string; analysis?: Parameters<typeof getDenialReasons>[0] }> {
  const { action, resource } = simulation.request;
  if (RESOURCE_NAMED_DESPITE_REFERENCE.has(action.toLowerCase())) return { result: runUnsafeSimulation(simulation, {}) };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(`the local cloud cannot evaluate ${action} on ${resource.resource}: ${JSON.stringify(response.errors)}`);
  return { result: response.overallResult, analysis: response.resultType === 'single' ? response.result.analysis : undefined };
}

/**
 * The local cloud's IAM: the credentials it issues, the policies of what is deployed, and every
 * call's decision, made by a maintained policy evaluator (@cloud-copilot/iam-simulate, with AWS's
 * service authorization data) from the caller's identity policies and the resource's policy, as
 * AWS decides. Decisions are cached by principal, action, resource and the condition keys any
 * policy tests; denials are recorded.
 */
export class LocalIam {
  private template: TemplateIam | undefined;
  private readonly users = new Map<string, Extract<Principal, { kind: 'user' }>>();
  private readonly credentials = new Map<string, IssuedCredentials>();
  private readonly decisions = new Map<string, Promise<Decision>>();
  private readonly recorded: Denial[] = [];
  private readonly denialListeners: ((denial: Denial) => void)[] = [];
  private readonly changeListeners: (() => void)[] = [];
  private testedKeys = new Set<string>();
  /** The first distinct evaluations of a run, for measuring what one costs. */
  private readonly samples: Simulation[] = [];
  /** Evaluations run (cache misses), decisions served from the cache, and those asked by the emulators' threads (which decide most calls from what they keep). */
  readonly stats = { evaluations: 0, cached: 0, fromThreads: 0 };

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => Date,
  ) {}

  /** Takes the policies of a deployed template (a redeploy replaces them); malformed policies are refused, as IAM refuses them. */
  deploy(template: TemplateIam): void {
    for (const role of template.roles.values()) {
      validate([{ name: `${role.logicalId} (trust)`, policy: role.trust }], validateTrustPolicy);
      validate(role.policies, validateIdentityPolicy);
    }
    validate(
      [...template.resourcePolicies].map(([arn, policy]) => ({ name: `the resource policy of ${arn}`, policy })),
      validateResourcePolicy,
    );
    this.checkConditionKeys([...template.documents(), ...this.userPolicies()]);
    this.template = template;
    this.policiesChanged();
  }

  /** An IAM user of the account (the administrator, an operator), with its policies and an access key. */
  addUser(name: string, policies: NamedPolicy[], credentials?: Credentials): IssuedCredentials {
    validate(policies, validateIdentityPolicy);
    this.checkConditionKeys(policies);
    const principal = { kind: 'user' as const, arn: `arn:aws:iam::${this.account}:user/${name}`, name, policies };
    this.users.set(principal.arn, principal);
    const issued = { ...(credentials ?? { accessKeyId: accessKeyId('AKIA'), secretAccessKey: secret() }), principal, faults: false };
    this.credentials.set(issued.accessKeyId, issued);
    this.policiesChanged();
    return issued;
  }

  /** Temporary credentials of a session of one of the template's roles, as Lambda hands a function its execution role's. */
  assumeRole(roleArn: string, sessionName: string, faults = false): IssuedCredentials {
    const principal = this.session(roleArn, sessionName);
    const issued = { accessKeyId: accessKeyId('ASIA'), secretAccessKey: secret(), sessionToken: secret(), principal, faults };
    this.credentials.set(issued.accessKeyId, issued);
    this.changeListeners.forEach((listener) => listener());
    return issued;
  }

  /** A session of a role, for a service acting with it (a state machine's tasks, a schedule's target). */
  session(roleArn: string, sessionName: string): Principal {
    const role = this.role(roleArn);
    return { kind: 'role', arn: `arn:aws:sts::${this.account}:assumed-role/${role.name}/${sessionName}`, roleArn, sessionName };
  }

  private role(roleArn: string): RoleDefinition {
    const role = this.template?.role(roleArn);
    if (!role) throw new Error(`the role ${roleArn} is not deployed`);
    return role;
  }

  /**
   * Who signed a request the main thread serves (SigV4 for `service`, within 5 minutes of the
   * virtual clock, by which functions sign, or of the wall clock, by which tools outside sign):
   * the principal and its key, or what AWS answers instead.
   */
  async signer(
    request: IncomingMessage,
    body: Buffer,
    service: string,
  ): Promise<{ ok: true; principal: Principal; accessKeyId: string } | { ok: false; code: string; message: string }> {
    const verified = await verifyNodeRequest(request, body, {
      lookup: (id) => this.credentials.get(id),
      region: this.region,
      service,
      clocks: [() => this.now().getTime(), () => Date.now()],
    });
    return verified.ok ? { ...verified, principal: this.credentials.get(verified.accessKeyId)!.principal } : verified;
  }

  /** The credentials an access key id names. */
  credentialsOf(accessKeyId: string): IssuedCredentials | undefined {
    return this.credentials.get(accessKeyId);
  }

  /** Every issued key, for the emulator threads that check signatures; and the condition keys any policy tests. */
  snapshot(): { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; faults: boolean }[]; testedKeys: string[] } {
    return {
      credentials: [...this.credentials.values()].map(({ accessKeyId, secretAccessKey, sessionToken, faults }) => ({
        accessKeyId,
        secretAccessKey,
        sessionToken,
        faults,
      })),
      testedKeys: [...this.testedKeys],
    };
  }

  /** Calls `listener` whenever credentials are issued or policies change. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  onDenial(listener: (denial: Denial) => void): void {
    this.denialListeners.push(listener);
  }

  /** Every denial so far. */
  denials(): Denial[] {
    return [...this.recorded];
  }

  /** The denials so far, forgotten: a test that expects them takes them. */
  takeDenials(): Denial[] {
    return this.recorded.splice(0);
  }

  private userPolicies(): NamedPolicy[] {
    return [...this.users.values()].flatMap((u) => u.policies);
  }

  /** A policy that tests a key the local cloud does not supply is refused: it could not be decided as AWS would. */
  private checkConditionKeys(documents: NamedPolicy[]): void {
    for (const { name, policy } of documents) {
      const unsupported = conditionKeysOf(policy).filter((key) => !SUPPLIED_CONDITION_KEYS.has(key) && !key.startsWith('aws:resourcetag/'));
      if (unsupported.length) throw new Error(`${name} tests ${unsupported.join(', ')}, which the local cloud does not supply: it cannot decide as AWS would`);
    }
  }

  private policiesChanged(): void {
    const documents = [...(this.template?.documents() ?? []), ...this.userPolicies()];
    this.testedKeys = new Set(documents.flatMap(({ policy }) => conditionKeysOf(policy)));
    this.decisions.clear();
    this.changeListeners.forEach((listener) => listener());
  }

  /** The condition keys AWS supplies about the principal, and the time. */
  private principalContext(principal: Principal): Record<string, string> {
    const at = this.now();
    const time = { 'aws:CurrentTime': at.toISOString(), 'aws:EpochTime': String(Math.floor(at.getTime() / 1000)) };
    const common = { 'aws:SecureTransport': 'true', 'aws:RequestedRegion': this.region, ...time };
    if (principal.kind === 'service') return { ...common, 'aws:PrincipalServiceName': principal.service };
    const base = { ...common, 'aws:PrincipalAccount': this.account };
    if (principal.kind === 'user') {
      return {
        ...base,
        'aws:PrincipalArn': principal.arn,
        'aws:PrincipalType': 'User',
        'aws:username': principal.name,
        'aws:userid': uniqueId('AIDA', principal.arn),
      };
    }
    const userid = `${uniqueId('AROA', principal.roleArn)}:${principal.sessionName}`;
    return { ...base, 'aws:PrincipalArn': principal.roleArn, 'aws:PrincipalType': 'AssumedRole', 'aws:userid': userid };
  }

  /** Decides a request (`from`: an emulator's thread asks); a denial is recorded, with what AWS would tell the caller. */
  authorize(request: AccessRequest, from: 'thread' | 'here' = 'here'): Promise<Decision> {
    if (from === 'thread') this.stats.fromThreads++;
    const context = Object.fromEntries(
      Object.entries({ ...this.principalContext(request.principal), ...request.context }).filter(([key]) => this.testedKeys.has(key.toLowerCase())),
    );
    const key = JSON.stringify([principalName(request.principal), request.action, request.resource, context]);
    const cached = this.decisions.get(key);
    const decision = cached ?? this.evaluate(request, context);
    if (cached) this.stats.cached++;
    else {
      if (this.decisions.size >= MAX_DECISIONS) this.decisions.delete(this.decisions.keys().next().value!);
      this.decisions.set(key, decision);
      // An evaluation that failed (a request the evaluator refused) is not kept.
      decision.catch(() => this.decisions.delete(key));
    }
    return decision.then((d) => {
      if (d.allowed) return d;
      const denial = { ...d.denial, at: this.now().toISOString() };
      this.recorded.push(denial);
      this.denialListeners.forEach((listener) => listener(denial));
      return { ...d, denial };
    });
  }

  private simulation(request: AccessRequest, context: Record<string, string | string[]>): Simulation {
    const { principal, action, resource } = request;
    const identityPolicies = principal.kind === 'user' ? principal.policies : principal.kind === 'role' ? this.role(principal.roleArn).policies : [];
    return {
      request: { principal: principalName(principal), action, resource: { resource, accountId: accountOf(resource, this.account) }, contextVariables: context },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: this.resourcePolicy(action, resource),
    };
  }

  /** What guards a resource: a role's trust policy for assuming it, otherwise the resource's own policy. */
  private resourcePolicy(action: string, resource: string): PolicyDocument | undefined {
    if (action.toLowerCase().startsWith('sts:assumerole')) return this.template?.role(resource)?.trust;
    return this.template?.resourcePolicies.get(guardedResource(resource));
  }

  private async evaluate(request: AccessRequest, context: Record<string, string | string[]>): Promise<Decision> {
    const { principal, action, resource } = request;
    const role = principal.kind === 'role' ? this.role(principal.roleArn) : undefined;
    if (role?.awsManagedPolicies.length) {
      throw new Error(
        `${role.logicalId} has AWS managed policies (${role.awsManagedPolicies.join(', ')}) whose documents the local cloud does not have: it cannot decide ${action} as AWS would`,
      );
    }
    const simulation = this.simulation(request, context);
    if (this.samples.length < 500) this.samples.push(simulation);
    const { result, analysis } = await simulate(simulation);
    this.stats.evaluations++;
    if (result === 'Allowed') return { allowed: true };
    const fallback = `because no ${principal.kind === 'service' ? 'resource' : 'identity'}-based policy allows the ${action} action`;
    const reason = analysis ? denialReason(analysis, request, fallback) : fallback;
    const name = principalName(principal);
    const message = `User: ${name} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
    return { allowed: false, message, denial: { at: '', principal: name, action, resource, reason, message } };
  }

  /**
   * What one evaluation costs, measured apart from everything else: the mean time of evaluating
   * again, one after another, the first distinct calls this run made.
   */
  async measureEvaluations(): Promise<{ calls: number; ms: number }> {
    const run = async () => {
      const started = performance.now();
      for (const simulation of this.samples) await simulate(simulation);
      return (performance.now() - started) / Math.max(1, this.samples.length);
    };
    await run();
    return { calls: this.samples.length, ms: await run() };
  }
}

/** What AWS says decided a denial: the explicit deny and where it is, or which kind of policy lacks an allow. */
function denialReason(analysis: Parameters<typeof getDenialReasons>[0], { principal, action }: AccessRequest, fallback: string): string {
  const reasons = getDenialReasons(analysis);
  // A service has no identity policies: what it lacks is the resource's leave.
  const first = reasons.find((r) => r.denialType === 'Explicit') ?? (principal.kind === 'service' ? undefined : reasons[0]);
  if (!first) return fallback;
  const kind = first.policyType === 'identity' ? 'identity' : first.policyType === 'resource' ? 'resource' : String(first.policyType);
  if (first.denialType === 'Explicit') {
    const where = [first.policyIdentifier, first.statementId ?? `statement ${first.statementIndex}`].filter(Boolean).join(', ');
    return `with an explicit deny in ${kind === 'identity' ? 'an identity-based' : `a ${kind}-based`} policy (${where})`;
  }
  return `because no ${kind}-based policy allows the ${action} action`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const accessKeyId = (prefix: string) => prefix + [...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
const secret = () => randomBytes(30).toString('base64');
/** A stable unique id of an identity (AWS's AIDA... and AROA... ids). */
const uniqueId = (prefix: string, arn: string) =>
  prefix +
  [...createHash('sha256').update(arn).digest()]
    .slice(0, 17)
    .map((b) => ALPHABET[b % 32])
    .join('');
