import type { ReissueResult } from '#functions/reissue-link/reissue-link.ts';
import type { DeploymentSource } from '../deployment/open.ts';
import { caseRoute, postAgencyRoute } from './agency-route.ts';

/**
 * `link CASE`: the marketplace is emailed a new response link for the case, through the API's
 * IAM-authorized route, signed with the caller's credentials: the audit log names the caller's
 * IAM principal.
 */
export function reissue(caseId: string, source: DeploymentSource): Promise<Extract<ReissueResult, { ok: true }>> {
  return postAgencyRoute<ReissueResult>(source, caseRoute(caseId, 'link'), {}, 'no new link was sent');
}
