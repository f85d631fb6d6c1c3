import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import { agencyDoor, type AgencyDoor } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { RelistingReport, RelistingResult } from './report-relisting.ts';

/** The CLI's direct invocation: the report and the staff member making it. */
export interface DirectReport extends RelistingReport {
  by: unknown;
}

/**
 * The report and its reporter, from either door: a direct invocation naming a staff member with
 * `by`, or the API's `POST /v1/agency/cases/{caseId}/relisting` with the verified IAM principal.
 */
export function reportEvent(
  event: DirectReport | APIGatewayProxyEvent,
  read: (event: APIGatewayProxyEvent) => HttpEvent,
): AgencyDoor<{ report: RelistingReport; reporter: AgencyIdentity }, RelistingResult> {
  return agencyDoor(event, read, {
    bodyShape: '{"listing": URL, "seenAt"?: ISO 8601}',
    okStatus: 201,
    staffError: 'by: give the staff member reporting it as an email address',
    direct: (payload, reporter) => ({ report: { caseId: payload.caseId as string, listing: payload.listing, seenAt: payload.seenAt }, reporter }),
    route: (caseId, body, reporter) => ({ report: { caseId, listing: body.listing, seenAt: body.seenAt }, reporter }),
  });
}
