import type { TemplateResolver } from '../template.ts';
import type { LocalIam } from './local-iam.ts';

/** An AWS service acting on its own (not with a role of the account). */
const service = (name: string) => ({ kind: 'service' as const, service: name });

/** The KMS key a topic is encrypted with, by ARN; none for a topic without server-side encryption. */
function topicKey(resolver: TemplateResolver, topicArn: string): string | undefined {
  const [id, topic] = resolver.ofType('AWS::SNS::Topic').find(([logicalId]) => resolver.arn(logicalId) === topicArn) ?? [];
  if (!id || !topic?.Properties?.KmsMasterKeyId) return undefined;
  const key = String(resolver.resolve(topic.Properties.KmsMasterKeyId));
  return key.startsWith('arn:') ? key : `arn:aws:kms:${resolver.names.region}:${resolver.names.account}:key/${key}`;
}

/**
 * Whether a service may publish to a topic on behalf of `sourceArn`: the topic's policy, and the
 * policy of the key that encrypts it (the publisher needs GenerateDataKey and Decrypt). Returns the
 * first denial's message, or undefined.
 */
export async function publishDenied(iam: LocalIam, resolver: TemplateResolver, by: string, topicArn: string, sourceArn: string): Promise<string | undefined> {
  const context = { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': iam.account };
  const key = topicKey(resolver, topicArn);
  const asks = [
    { action: 'sns:Publish', resource: topicArn },
    ...(key ? ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ action, resource: key })) : []),
  ];
  for (const ask of asks) {
    const decision = await iam.authorize({ principal: service(by), ...ask, context });
    if (!decision.allowed) return decision.message;
  }
  return undefined;
}

/** Whether a service may assume a role (its trust policy), acting for `sourceArn`. */
async function mayAssume(iam: LocalIam, by: string, roleArn: string, sourceArn: string): Promise<boolean> {
  const decision = await iam.authorize({
    principal: service(by),
    action: 'sts:AssumeRole',
    resource: roleArn,
    context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': iam.account },
  });
  return decision.allowed;
}

/**
 * What AWS checks of a template's service edges when it deploys it, and what it would refuse:
 * each function's role must trust Lambda, each state machine's role Step Functions. The local
 * cloud runs no alarms, so it checks here that each alarm could notify its actions' topics (AWS
 * deploys an alarm that cannot, and its notifications then fail without a word): the deploy is
 * refused with what CloudWatch would record.
 */
export async function checkServiceEdges(iam: LocalIam, resolver: TemplateResolver): Promise<void> {
  for (const [id, fn] of resolver.ofType('AWS::Lambda::Function')) {
    const role = String(resolver.resolve(fn.Properties!.Role));
    if (!(await mayAssume(iam, 'lambda.amazonaws.com', role, resolver.arn(id))))
      throw new Error(`${id}: CREATE_FAILED: The role defined for the function cannot be assumed by Lambda. (InvalidParameterValueException)`);
  }
  for (const [id, machine] of resolver.ofType('AWS::StepFunctions::StateMachine')) {
    const role = String(resolver.resolve(machine.Properties!.RoleArn));
    if (!(await mayAssume(iam, 'states.amazonaws.com', role, resolver.arn(id)))) {
      throw new Error(
        `${id}: CREATE_FAILED: Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role. (InvalidDefinition)`,
      );
    }
  }
  for (const [id, alarm] of resolver.ofType('AWS::CloudWatch::Alarm')) {
    const p = alarm.Properties ?? {};
    const all = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((key) => (p[key] as unknown[] | undefined) ?? []);
    const actions = (resolver.resolve(all) as string[]).filter((a) => a.startsWith('arn:aws:sns:'));
    for (const topic of new Set(actions)) {
      const denied = await publishDenied(iam, resolver, 'cloudwatch.amazonaws.com', topic, resolver.arn(id));
      if (denied) {
        throw new Error(
          `the alarm ${resolver.ref(id)} cannot notify ${topic}: "Failed to execute action ${topic}. Received error: CloudWatch Alarms is not authorized to perform: SNS:Publish on resource:${topic}" (${denied}). AWS deploys it, and its notifications fail without a word.`,
        );
      }
    }
  }
}

/**
 * Whether EventBridge Scheduler may run a schedule's target: its role trusts the scheduler (which
 * assumes it on behalf of the schedule's group, its aws:SourceArn), and may invoke the function.
 */
export async function scheduleDenied(iam: LocalIam, schedule: { arn: string; roleArn: string; functionArn: string }): Promise<string | undefined> {
  const group = schedule.arn.replace(/:schedule\/([^/]+)\/[^/]+$/, ':schedule-group/$1');
  if (!(await mayAssume(iam, 'scheduler.amazonaws.com', schedule.roleArn, group)))
    return `scheduler.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: ${schedule.roleArn}`;
  const decision = await iam.authorize({
    principal: iam.session(schedule.roleArn, schedule.arn.split('/').pop()!),
    action: 'lambda:InvokeFunction',
    resource: schedule.functionArn,
  });
  return decision.allowed ? undefined : decision.message;
}

/** Whether SNS may deliver a topic's message to a Lambda subscriber (the function's policy, for that topic). */
export async function deliveryDenied(iam: LocalIam, topicArn: string, functionArn: string): Promise<string | undefined> {
  const decision = await iam.authorize({
    principal: service('sns.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    resource: functionArn,
    context: { 'aws:SourceArn': topicArn, 'aws:SourceAccount': iam.account },
  });
  return decision.allowed ? undefined : decision.message;
}
