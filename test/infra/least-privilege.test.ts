import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
type Resource = { Type: string; Properties: Record<string, ReturnType<typeof JSON.parse>> };

describe('least privilege, as synthesized', () => {
  const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const auditTable = idOf(stack.tables.audit);
  const casesTable = idOf(stack.tables.cases);

  /** Every statement of every role's policies, with the role it is granted to. */
  const grants = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) =>
      (p.Properties.Roles as { Ref: string }[]).flatMap((role) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).map((s) => ({ role: role.Ref, ...s })),
      ),
    );
  const actionsOn = (table: string, role?: string) =>
    grants
      .filter((g) => (!role || g.role === role) && JSON.stringify(g.Resource).includes(`"${table}"`))
      .flatMap((g) => ([] as string[]).concat(g.Action))
      .filter((a) => a.startsWith('dynamodb:'));
  const roleOf = (role: keyof typeof stack.functions) => resources[idOf(stack.functions[role])]!.Properties.Role['Fn::GetAtt'][0] as string;

  it('keeps the audit log append-only: no role may update, delete or batch-write an entry', () => {
    const granted = new Set(actionsOn(auditTable));
    expect([...granted].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    // Only the console reads a case's whole log.
    expect(
      grants
        .filter((g) => JSON.stringify(g.Resource).includes(`"${auditTable}"`) && ([] as string[]).concat(g.Action).includes('dynamodb:Query'))
        .map((g) => g.role),
    ).toEqual([roleOf('staffConsole')]);
    for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*']) expect(granted.has(forbidden)).toBe(false);
  });

  it('lets the console read cases, audit and history, write only sessions, and act only through the functions that check its session', () => {
    const role = roleOf('staffConsole');
    const own = grants.filter((g) => g.role === role);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const g of own.filter((g) => ([] as string[]).concat(g.Action).some((a) => writes.includes(a))))
      expect(JSON.stringify(g.Resource)).toContain(idOf(stack.tables.sessions));
    expect(new Set(actionsOn(casesTable, role))).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']));
    const actions = new Set(own.flatMap((g) => ([] as string[]).concat(g.Action)));
    for (const forbidden of ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:StartExecution', 'ses:SendEmail', 'secretsmanager:GetSecretValue'])
      expect(actions.has(forbidden), forbidden).toBe(false);
    const invoked = own.filter((g) => ([] as string[]).concat(g.Action).includes('lambda:InvokeFunction')).flatMap((g) => [g.Resource].flat());
    const targets = new Set(invoked.map((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/)?.[1]));
    expect(targets).toEqual(
      new Set(['staffDecision', 'reportRelisting', 'reissueLink', 'marketplaceAdmin'].map((fn) => idOf(stack.functions[fn as 'staffDecision']))),
    );
  });

  it('lets the internet-facing functions neither delete nor batch-write anything', () => {
    for (const fn of ['respond', 'answerApi'] as const) {
      const role = roleOf(fn);
      const actions = grants.filter((g) => g.role === role).flatMap((g) => ([] as string[]).concat(g.Action));
      for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(actions, fn).not.toContain(forbidden);
      expect(actionsOn(casesTable, role).sort(), fn).toEqual(
        fn === 'respond' ? ['dynamodb:GetItem', 'dynamodb:UpdateItem'] : ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      );
    }
  });

  it('lets marketplace administration store marketplaces and keys, never delete them, and touch no case', () => {
    const role = roleOf('marketplaceAdmin');
    expect(actionsOn(idOf(stack.tables.marketplaces), role).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(actionsOn(idOf(stack.tables.apiKeys), role).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    expect(actionsOn(auditTable, role).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:PutItem']);
    expect(actionsOn(casesTable, role)).toEqual([]);
  });

  it('gives the link-signing key only to the functions that sign or check links', () => {
    const secret = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')![0];
    const readers = new Set(grants.filter((g) => JSON.stringify(g.Resource).includes(`"${secret}"`)).map((g) => g.role));
    const signers = (['respond', 'notify', 'followUp', 'applyDecision', 'reissueLink', 'staydown'] as const).map(roleOf);
    expect([...readers].sort()).toEqual([...signers].sort());
  });

  it('lets a function start executions of the one workflow it starts, and no other', () => {
    const starts = (role: string) =>
      grants.filter((g) => g.role === role && ([] as string[]).concat(g.Action).includes('states:StartExecution')).map((g) => JSON.stringify(g.Resource));
    expect(starts(roleOf('actOnAnswer'))).toEqual([expect.stringContaining('RecallGuard-staydown')]);
    expect(starts(roleOf('reportRelisting'))).toEqual([expect.stringContaining('RecallGuard-case')]);
    for (const fn of ['respond', 'answerApi', 'staydown', 'notify', 'followUp', 'staffDecision'] as const) expect(starts(roleOf(fn)), fn).toEqual([]);
  });

  it("lets only this account's schedules assume the scheduler role", () => {
    const role = Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    )!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
  });
});
