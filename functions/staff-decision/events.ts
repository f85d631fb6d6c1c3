import type { APIGatewayProxyEvent } from 'aws-lambda';
import { agencyDoor, type AgencyDoor } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { StaffDecisionInput, StaffDecisionResult } from './staff-decision.ts';

/** The staff page's direct invocation: the case, the decision and the staff member deciding. */
export interface DirectDecision {
  caseId: string;
  by: unknown;
  decision: unknown;
}

/**
 * The decision and its decider, from either door: a direct invocation naming a staff member with
 * `by`, or the API's `POST /v1/agency/cases/{caseId}/decision` with the decision as its body and
 * the verified IAM principal as the decider.
 */
export function decisionEvent(
  event: DirectDecision | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
): AgencyDoor<StaffDecisionInput, StaffDecisionResult> {
  return agencyDoor(event, read, {
    bodyShape: '{"decision": ..., "reason"?: ..., "until"?: YYYY-MM-DD}',
    okStatus: 200,
    staffError: 'by: give the deciding staff member as an email address',
    direct: (payload, decider) => ({ caseId: String(payload.caseId), decider, decision: payload.decision }),
    route: (caseId, body, decider) => ({ caseId, decider, decision: body }),
  });
}
