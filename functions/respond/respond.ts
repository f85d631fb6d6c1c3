import type { SFNClient } from '@aws-sdk/client-sfn';
import { answerSchema, attestationSchema, CASE_ID_PATTERN, STATUS_OF_ANSWER } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import { HTML_HEADERS } from '#shared/pages/headers.ts';
import { answeredPage, attestedPage, casePage, checkPage, errorPage, type CaseView, type FormValues } from '#shared/pages/response-page.ts';
import { checkLink } from '#shared/signed-link.ts';
import { AttestationRefused, openCheck } from '#shared/staydown.ts';
import type { RefusalCounts } from '#shared/store/refusals.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { takeAnswer } from '../case-operations/take-answer.ts';
import { takeAttestation } from '../case-operations/take-attestation.ts';
import type { LinkKeys } from '../runtime/link-keys.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpRequest {
  method: string;
  caseId: string;
  query: Record<string, string | undefined>;
  /** The link as the marketplace opened it, to post the form back to. */
  url: string;
  body: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface RespondDeps {
  cases: CaseStore;
  recalls: RecallStore;
  marketplaces: MarketplaceStore;
  refusals: RefusalCounts;
  sfn: SFNClient;
  linkKeys: () => Promise<LinkKeys>;
  /** Hosts whose recall pages and images the page shows as links and images. */
  trustedHosts: readonly string[];
}

const html = (statusCode: number, body: string): HttpResponse => ({ statusCode, headers: { ...HTML_HEADERS }, body });

const LINK_PROBLEMS = {
  malformed: 'This link is incomplete. Open the link exactly as it appears in the notice email.',
  'bad-signature': 'This link is not valid. Open the link exactly as it appears in the notice email; if it still fails, reply to the notice email.',
  expired: 'This link has expired. Reply to the notice email to receive a new link.',
} as const;

/**
 * The response endpoint. GET shows the case and changes nothing (mail scanners open links);
 * POST records the first answer and resumes the workflow; a repeat shows what is on record.
 */
export async function respond(request: HttpRequest, deps: RespondDeps): Promise<HttpResponse> {
  const at = now();
  if (!CASE_ID_PATTERN.test(request.caseId)) return html(404, errorPage(404, 'There is no notice at this address.'));
  const link = checkLink(request.caseId, request.query.exp, request.query.sig, (await deps.linkKeys()).verifying, at);
  if (!link.ok) {
    // Forged, tampered and expired links are counted (whether or not the case exists), apart from its audit log.
    await deps.refusals.count(request.caseId, `link ${link.reason} (${request.method})`, at);
    return html(403, errorPage(403, LINK_PROBLEMS[link.reason]));
  }
  const record = await deps.cases.get(request.caseId);
  const [recall, marketplace] = record
    ? await Promise.all([deps.recalls.get(record.recallNumber), deps.marketplaces.get(record.marketplaceId)])
    : [undefined, undefined];
  if (!record || !recall || !marketplace) return html(404, errorPage(404, 'There is no notice for this case. Reply to the notice email.'));
  const view: CaseView = { record, recall, marketplace, action: request.url, trustedHosts: deps.trustedHosts };

  const check = openCheck(record);
  if (request.method === 'GET' || request.method === 'HEAD') return html(200, check ? checkPage(view, check.check) : casePage(view));
  if (request.method !== 'POST') return { statusCode: 405, headers: { allow: 'GET, POST' }, body: '' };
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) return html(413, errorPage(413, 'The answer is larger than 64 KB. Send fewer listings at a time.'));

  const form = Object.fromEntries(new URLSearchParams(request.body)) as FormValues & { answer?: string };
  if (form.answer === 'still_blocked' || form.answer === 'found_removed') return attest(view, form, deps, at);
  const parsed = answerSchema.safeParse(form);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const kind = form.answer !== undefined && Object.hasOwn(STATUS_OF_ANSWER, form.answer) ? (form.answer as never) : undefined;
    const message = kind ? `${issue?.path.join('.') || 'answer'}: ${issue?.message}` : 'Choose one of the answers below.';
    return html(400, casePage(view, { answer: kind, error: message, values: form }));
  }
  const taken = await takeAnswer(record, parsed.data, at, 'link', deps);
  return html(200, answeredPage({ ...view, record: taken.record }, taken.recorded));
}

/** A stay-down check's answer from the form: recorded on the open check, or refused with the reason. */
async function attest(view: CaseView, form: FormValues & { answer?: string }, deps: RespondDeps, at: Date): Promise<HttpResponse> {
  const check = openCheck(view.record);
  const parsed = attestationSchema.safeParse(form);
  if (!parsed.success) {
    if (!check) return html(409, errorPage(409, noCheckReason(view)));
    const issue = parsed.error.issues[0];
    const error = `${issue?.path.join('.') || 'answer'}: ${issue?.message}`;
    return html(400, checkPage(view, check.check, { answer: form.answer as 'still_blocked' | 'found_removed', error, values: form }));
  }
  try {
    const taken = await takeAttestation(view.record, parsed.data, at, 'link', deps);
    return html(200, attestedPage({ ...view, record: taken.record }, taken.check));
  } catch (error) {
    if (error instanceof AttestationRefused) return html(409, errorPage(409, error.message));
    throw error;
  }
}

function noCheckReason(view: CaseView): string {
  return `Case ${view.record.caseId} has no stay-down check waiting for an answer: checks are asked for by email after a "blocked" answer.`;
}
