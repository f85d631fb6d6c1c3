import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import { agencyDoor, type AgencyDoor, type AgencyGuards } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';

import type { RelistingReport, RelistingResult } from './report-relisting.ts';

/** The console's direct invocation: the report, and the session of the staff member making it. */
export interface DirectReport extends RelistingReport {
  session: string;
}

/**
 * The report and its reporter (a decider), from either door: the console's direct invocation with
 * the session of the staff member signed in, or the API's `POST /v1/agency/cases/{caseId}/relisting` with the verified IAM principal.
 */
export function reportEvent(
  event: DirectReport | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
  guards: AgencyGuards,
): Promise<AgencyDoor<{ report: RelistingReport; reporter: AgencyIdentity }, RelistingResult>> {
  return agencyDoor(
    event,
    read,
    {
      resource: '/v1/agency/cases/{caseId}/relisting',
      bodyShape: '{"listing": URL, "seenAt"?: ISO 8601}',
      okStatus: 201,
      role: 'decider',
      direct: (payload, reporter) => ({ report: { caseId: payload.caseId as string, listing: payload.listing, seenAt: payload.seenAt }, reporter }),
      route: (caseId, body, reporter) => ({ report: { caseId, listing: body.listing, seenAt: body.seenAt }, reporter }),
    },
    guards,
  );
}
