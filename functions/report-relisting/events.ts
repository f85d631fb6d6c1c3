import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { staffIdentity, type AgencyIdentity } from '#shared/agency-identity.ts';
import { agencyResponse, agencyRoute, isApiEvent } from '../runtime/agency-route.ts';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { RelistingReport, RelistingResult } from './report-relisting.ts';

/** The CLI's direct invocation: the report and the staff member making it. */
export interface DirectReport extends RelistingReport {
  by: unknown;
}

interface ReadEvent {
  report: RelistingReport;
  /** What is wrong with the request itself (its body), if anything. */
  problem?: string;
  reporter: { ok: true; reporter: AgencyIdentity } | { ok: false; error: string };
  respond: (result: RelistingResult) => RelistingResult | APIGatewayProxyResult;
}

/**
 * The report and its reporter, from either door. Through the API route the reporter is the IAM
 * principal API Gateway verified (SigV4), never a name in the body; a direct invocation names a
 * staff member with `by`.
 */
export function reportEvent(event: DirectReport | APIGatewayProxyEvent, read: (event: APIGatewayProxyEvent) => HttpEvent): ReadEvent {
  if (!isApiEvent(event)) {
    const by = staffIdentity(event?.by);
    return {
      report: { caseId: event?.caseId, listing: event?.listing, seenAt: event?.seenAt },
      reporter: by ? { ok: true, reporter: by } : { ok: false, error: 'by: give the staff member reporting it as an email address' },
      respond: (result) => result,
    };
  }
  const request = agencyRoute(event, read, '{"listing": URL, "seenAt"?: ISO 8601}');
  return {
    ...(request.problem ? { problem: request.problem } : {}),
    report: { caseId: request.caseId, listing: request.body.listing, seenAt: request.body.seenAt },
    reporter: request.identity ? { ok: true, reporter: request.identity } : { ok: false, error: 'the request carries no verified IAM identity' },
    respond: (result) => agencyResponse(request, result, 201),
  };
}
