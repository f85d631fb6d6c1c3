import type { RelistingResult } from '#functions/report-relisting/report-relisting.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

export interface RelistedOptions {
  listing: string;
  seenAt?: string;
}

/**
 * `relisted CASE --listing URL [--seen-at ISO]`: reports a listing seen live after the block
 * through the API's IAM-authorized route, signed with the caller's credentials; the case becomes
 * RELISTED (its audit entry names the caller's IAM principal) and its marketplace gets the
 * relisted notice.
 */
export async function reportRelisted(caseId: string, options: RelistedOptions, source: DeploymentSource): Promise<Extract<RelistingResult, { ok: true }>> {
  const response = await withDeployment(source, { outputs: ['ResponseApiUrl'], functions: true }, async (deployment) => {
    const answer = await deployment.agencyApi('POST', `v1/agency/cases/${encodeURIComponent(caseId)}/relisting`, {
      listing: options.listing,
      ...(options.seenAt === undefined ? {} : { seenAt: options.seenAt }),
    });
    // Locally, the notice goes out before the cloud stops.
    await deployment.settle?.();
    return answer;
  });
  const result = response.body as RelistingResult | { message?: string };
  if (typeof result === 'object' && result && 'ok' in result && result.ok) return result;
  const reason = typeof result === 'object' && result ? ('error' in result ? result.error : result.message) : String(result);
  throw new Error(`the relisting was not recorded (HTTP ${response.status}): ${reason}`);
}
