import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HttpEvent } from '../runtime/http-event.ts';
import type { RelistingReport, RelistingResult, Reporter } from './report-relisting.ts';

/** The CLI's direct invocation: the report and the staff member making it. */
export interface DirectReport extends RelistingReport {
  by: unknown;
}

interface ReadEvent {
  report: RelistingReport;
  /** What is wrong with the request itself (its body), if anything. */
  problem?: string;
  reporter: { ok: true; reporter: Reporter } | { ok: false; error: string };
  respond: (result: RelistingResult) => RelistingResult | APIGatewayProxyResult;
}

const isApiEvent = (event: DirectReport | APIGatewayProxyEvent): event is APIGatewayProxyEvent => 'requestContext' in event && 'httpMethod' in event;

const STATUS_OF = { invalid: 400, 'not-found': 404, conflict: 409 } as const;

/**
 * The report and its reporter, from either door. Through the API route the reporter is the IAM
 * principal API Gateway verified (SigV4), never a name in the body; a direct invocation names a
 * staff member with `by`.
 */
export function reportEvent(event: DirectReport | APIGatewayProxyEvent, read: (event: APIGatewayProxyEvent) => HttpEvent): ReadEvent {
  if (!isApiEvent(event)) {
    const by = typeof event?.by === 'string' && /^[^@\s]+@[^@\s]+$/.test(event.by) ? event.by : undefined;
    return {
      report: { caseId: event?.caseId, listing: event?.listing, seenAt: event?.seenAt },
      reporter: by ? { ok: true, reporter: { kind: 'staff', email: by } } : { ok: false, error: 'by: give the staff member reporting it as an email address' },
      respond: (result) => result,
    };
  }
  const request = read(event);
  const principalArn = event.requestContext.identity?.userArn;
  let body: Record<string, unknown> = {};
  let problem: string | undefined = 'the body must be a JSON object: {"listing": URL, "seenAt"?: ISO 8601}';
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) [body, problem] = [parsed as Record<string, unknown>, undefined];
  } catch {
    // The problem stands.
  }
  return {
    problem,
    report: { caseId: request.pathParameters.caseId ?? '', listing: body.listing, seenAt: body.seenAt },
    reporter: principalArn ? { ok: true, reporter: { kind: 'iam', principalArn } } : { ok: false, error: 'the request carries no verified IAM identity' },
    respond: (result) => ({
      statusCode: !principalArn ? 403 : result.ok ? 201 : STATUS_OF[result.kind],
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify(result),
    }),
  };
}
