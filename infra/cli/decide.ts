import type { StaffDecisionResult } from '#functions/staff-decision/staff-decision.ts';
import type { DeploymentSource } from '../deployment/open.ts';
import { caseRoute, postAgencyRoute } from './agency-route.ts';

export interface DecideOptions {
  decision: string;
  reason?: string;
  /** grant_extension: the new deadline (YYYY-MM-DD). */
  date?: string;
}

/**
 * `decide CASE --decision D [--reason R] [--date YYYY-MM-DD]`: a staff decision on a disputed,
 * extension-requested or expired case, through the API's IAM-authorized route, signed with the
 * caller's credentials: the case and its audit log name the caller's IAM principal, never a name
 * the caller types. The decision's own rules (which decisions the case admits, a reason where one
 * is needed, a date for an extension) answer with the reason when they refuse it.
 */
export function decide(caseId: string, options: DecideOptions, source: DeploymentSource): Promise<Extract<StaffDecisionResult, { ok: true }>> {
  const body = {
    decision: options.decision,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    ...(options.date === undefined ? {} : { until: options.date }),
  };
  return postAgencyRoute<StaffDecisionResult>(source, caseRoute(caseId, 'decision'), body, 'the decision was not recorded');
}
