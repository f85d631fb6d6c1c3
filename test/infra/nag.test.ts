import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '#infra/app.ts';

describe('cdk-nag AwsSolutions on the app', () => {
  const { app, stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = app.synth().getStackByName(STACK_NAME).template as {
    Resources: Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }>;
  };
  const annotations = Annotations.fromStack(stack);

  it('finds no unsuppressed error or warning', () => {
    const findings = [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ];
    expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`)).toEqual([]);
  });

  it('gives every suppression a reason, on the resource it is about', () => {
    const suppressions = Object.entries(template.Resources).flatMap(([id, r]) =>
      (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((s) => ({ resource: id, ...s })),
    );
    expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) expect(s.reason.length, `${s.resource} ${s.id}`).toBeGreaterThanOrEqual(40);
    // Nothing is waved through for the whole stack: the rules suppressed are these, each where it applies.
    expect([...new Set(suppressions.map((s) => s.id))].sort()).toEqual([
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
    ]);
  });
});
