import type { APIGatewayProxyEvent } from 'aws-lambda';
import { agencyDoor, type AgencyDoor, type AgencyGuards } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';

import type { ReissueInput, ReissueResult } from './reissue-link.ts';

/** The console's direct invocation: the case, and the session of the staff member asking. */
export interface DirectReissue {
  caseId: string;
  session: string;
}

/**
 * The case and who asks for its new link (an admin), from either door: the console's direct
 * invocation with the session of the staff member signed in, or the API's `POST /v1/agency/cases/{caseId}/link` (an empty JSON object as
 * its body) with the verified IAM principal.
 */
export function reissueEvent(
  event: DirectReissue | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  guards: AgencyGuards,
): Promise<AgencyDoor<ReissueInput, ReissueResult>> {
  return agencyDoor(
    event,
    read,
    {
      resource: '/v1/agency/cases/{caseId}/link',
      fresh: true,
      bodyShape: '{}',
      okStatus: 200,
      role: 'admin',
      direct: (payload, requester) => ({ caseId: payload.caseId as string, requester }),
      route: (caseId, _body, requester) => ({ caseId, requester }),
    },
    guards,
  );
}
