import type { RelistingResult } from '#functions/report-relisting/report-relisting.ts';
import type { DeploymentSource } from '../deployment/open.ts';
import { caseRoute, postAgencyRoute } from './agency-route.ts';

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
export function reportRelisted(caseId: string, options: RelistedOptions, source: DeploymentSource): Promise<Extract<RelistingResult, { ok: true }>> {
  const body = { listing: options.listing, ...(options.seenAt === undefined ? {} : { seenAt: options.seenAt }) };
  return postAgencyRoute<RelistingResult>(source, caseRoute(caseId, 'relisting'), body, 'the relisting was not recorded');
}
