import type { ReissueResult } from '#functions/reissue-link/reissue-link.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

/** `link CASE`: the deployed reissue-link function emails the marketplace a new response link for the case. */
export async function reissue(caseId: string, by: string, source: DeploymentSource): Promise<Extract<ReissueResult, { ok: true }>> {
  const result = await withDeployment(source, { outputs: ['ReissueLinkFunction'], functions: true }, (deployment) =>
    deployment.invoke('reissueLink', { caseId, by }),
  );
  const reissued = result as ReissueResult;
  if (!reissued.ok) throw new Error(reissued.error);
  return reissued;
}
