import type { APIGatewayProxyEvent } from 'aws-lambda';
import { agencyDoor, type AgencyDoor, type AgencyGuards } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';

import type { StaffDecisionInput, StaffDecisionResult } from './staff-decision.ts';

/** The console's direct invocation: the case, the decision, and the session of the staff member deciding. */
export interface DirectDecision {
  caseId: string;
  session: string;
  decision: unknown;
}

/**
 * The decision and its decider, from either door: the console's direct invocation with the
 * session of the staff member signed in (a decider), or the API's `POST /v1/agency/cases/{caseId}/decision` with the decision as its body and
 * the verified IAM principal as the decider.
 */
export function decisionEvent(
  event: DirectDecision | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  guards: AgencyGuards,
): Promise<AgencyDoor<StaffDecisionInput, StaffDecisionResult>> {
  return agencyDoor(
    event,
    read,
    {
      resource: '/v1/agency/cases/{caseId}/decision',
      bodyShape: '{"decision": ..., "reason"?: ..., "until"?: YYYY-MM-DD}',
      okStatus: 200,
      role: 'decider',
      direct: (payload, decider) => ({ caseId: String(payload.caseId), decider, decision: payload.decision }),
      route: (caseId, body, decider) => ({ caseId, decider, decision: body }),
    },
    guards,
  );
}
