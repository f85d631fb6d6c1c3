import type { APIGatewayProxyEvent } from 'aws-lambda';
import { agencyDoor, type AgencyDoor } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { ReissueInput, ReissueResult } from './reissue-link.ts';

/** A direct invocation: the case and the staff member asking. */
export interface DirectReissue {
  caseId: string;
  by: unknown;
}

/**
 * The case and who asks for its new link, from either door: a direct invocation naming a staff
 * member with `by`, or the API's `POST /v1/agency/cases/{caseId}/link` (an empty JSON object as
 * its body) with the verified IAM principal.
 */
export function reissueEvent(
  event: DirectReissue | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
): AgencyDoor<ReissueInput, ReissueResult> {
  return agencyDoor(event, read, {
    bodyShape: '{}',
    okStatus: 200,
    staffError: 'by: give the staff member as an email address',
    direct: (payload, requester) => ({ caseId: payload.caseId as string, requester }),
    route: (caseId, _body, requester) => ({ caseId, requester }),
  });
}
