import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

/**
 * A POST to one of the API's IAM-authorized routes (`/v1/agency/<path>`),
 * signed with the caller's credentials (SigV4): the function records the verified IAM principal.
 * Locally the work it starts (an email, a workflow step) is settled before the cloud stops.
 * A refusal throws with the HTTP status and the reason.
 */
/** The path of a case's route. */
export const caseRoute = (caseId: string, action: 'relisting' | 'decision' | 'link') => `cases/${encodeURIComponent(caseId)}/${action}`;

export async function postAgencyRoute<R extends { ok: boolean }>(
  source: DeploymentSource,
  path: string,
  body: Record<string, unknown>,
  refused: string,
): Promise<Extract<R, { ok: true }>> {
  const response = await withDeployment(source, { outputs: ['ResponseApiUrl', 'CallerAudience'], functions: true }, async (deployment) => {
    const answer = await deployment.agencyApi('POST', `v1/agency/${path}`, body);
    await deployment.settle?.();
    return answer;
  });
  const result = response.body as R | { message?: string; error?: string };
  if (typeof result === 'object' && result && 'ok' in result && result.ok) return result as Extract<R, { ok: true }>;
  const reason =
    typeof result === 'object' && result ? ('error' in result && result.error ? result.error : (result as { message?: string }).message) : String(result);
  throw new Error(`${refused} (HTTP ${response.status}): ${reason}`);
}
