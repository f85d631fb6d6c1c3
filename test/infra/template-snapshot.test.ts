import { describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '#infra/app.ts';

/** The template as reviewers should read it: asset hashes masked, CDK's analytics left out. */
function normalized(): string {
  // Environment-agnostic, as CI synthesizes it: no account or region from this shell.
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'CDK_DEFAULT_REGION', 'CDK_DEFAULT_ACCOUNT']) delete process.env[name];
  const { app } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = app.synth().getStackByName(STACK_NAME).template as { Resources: Record<string, unknown>; Conditions?: Record<string, unknown> };
  delete template.Resources.CDKMetadata;
  delete template.Conditions?.CDKMetadataAvailable;
  return `${JSON.stringify(template, null, 1).replace(/[0-9a-f]{64}/g, '<asset-hash>')}\n`;
}

describe('the synthesized template', () => {
  it('matches the committed snapshot, so that infrastructure changes show in review (update with npx vitest run -u)', async () => {
    await expect(normalized()).toMatchFileSnapshot('./template.snapshot.json');
  });
});
