import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { staffIdentity } from '#shared/agency-identity.ts';
import { agencyResponse, agencyRoute, isApiEvent } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { StaffDecisionInput, StaffDecisionResult } from './staff-decision.ts';

/** The staff page's direct invocation: the case, the decision and the staff member deciding. */
export interface DirectDecision {
  caseId: string;
  by: unknown;
  decision: unknown;
}

type ReadEvent = {
  respond: (result: StaffDecisionResult) => StaffDecisionResult | APIGatewayProxyResult;
} & ({ input: StaffDecisionInput; error?: undefined } | { input?: undefined; error: string });

/**
 * The decision and its decider, from either door. Through the API's IAM-authorized route
 * (`POST /v1/agency/cases/{caseId}/decision`, the decision as its body) the decider is the IAM
 * principal API Gateway verified (SigV4), never a name in the body; a direct invocation names a
 * staff member with `by`.
 */
export function decisionEvent(event: DirectDecision | APIGatewayProxyEvent, read: (event: APIGatewayProxyEvent) => HttpEvent): ReadEvent {
  if (!isApiEvent(event)) {
    const decider = staffIdentity(event?.by);
    const respond = (result: StaffDecisionResult) => result;
    if (!decider) return { error: 'by: give the deciding staff member as an email address', respond };
    return { input: { caseId: String(event.caseId), decider, decision: event.decision }, respond };
  }
  const request = agencyRoute(event, read, '{"decision": ..., "reason"?: ..., "until"?: YYYY-MM-DD}');
  const respond = (result: StaffDecisionResult) => agencyResponse(request, result, 200);
  if (!request.identity) return { error: 'the request carries no verified IAM identity', respond };
  if (request.problem) return { error: request.problem, respond };
  return { input: { caseId: request.caseId, decider: request.identity, decision: request.body }, respond };
}
