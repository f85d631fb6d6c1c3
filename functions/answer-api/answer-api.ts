import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  AWAITING_STATUSES,
  answerSchema,
  attestationSchema,
  type Answer,
  type Attestation,
  CASE_ID_PATTERN,
  CASE_STATUSES,
  STAFF_STATUSES,
  type CaseRecord,
  type CaseStatus,
} from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import { recallIdentifiers } from '#shared/identifiers.ts';
import { referenceOf } from '#shared/pages/response-page.ts';
import type { ApiKeyRecord, ApiKeyStore } from '#shared/store/api-key-store.ts';
import type { RefusalCounts } from '#shared/store/refusals.ts';
import { AttestationRefused, openCheck } from '#shared/staydown.ts';
import { BadPageToken, type CaseStore } from '#shared/store/case-store.ts';
import type { Recall } from '#shared/recall.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { takeAnswer } from '../case-operations/take-answer.ts';
import { takeAttestation } from '../case-operations/take-attestation.ts';
import openApi from './openapi.json' with { type: 'json' };

export const MAX_BODY_BYTES = 64 * 1024;
const PAGE_SIZE = 100;

export interface ApiRequest {
  method: string;
  /** The route as API Gateway matched it, e.g. "POST /v1/cases/{caseId}/answer". */
  routeKey: string;
  caseId?: string;
  apiKey?: string;
  query: Record<string, string | undefined>;
  body: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface AnswerApiDeps {
  cases: CaseStore;
  recalls: RecallStore;
  refusals: RefusalCounts;
  apiKeys: ApiKeyStore;
  sfn: SFNClient;
}

const json = (statusCode: number, body: unknown): ApiResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  body: JSON.stringify(body),
});
const problem = (statusCode: number, error: string, field?: string) => json(statusCode, field ? { error, field } : { error });

const STATUS_FILTERS: Record<string, readonly CaseStatus[] | undefined> = {
  open: [...AWAITING_STATUSES, ...STAFF_STATUSES],
  closed: CASE_STATUSES.filter((s) => !AWAITING_STATUSES.includes(s) && !STAFF_STATUSES.includes(s)),
  all: undefined,
  // Blocked cases, of which those whose stay-down check waits for an answer are listed.
  checks: ['BLOCKED'],
};

/** A case as the API shows it to its marketplace: never the task token or staff's notes. */
function caseView(record: CaseRecord, recall?: Recall) {
  return {
    caseId: record.caseId,
    recallNumber: record.recallNumber,
    recallTitle: recall?.title ?? null,
    /** Whether the recall names this marketplace as where the product was sold (null before the notice). */
    soldHere: record.soldHere ?? null,
    /** What to search the platform by, each with the field and the words of the recall it comes from. */
    identifiers: recall ? recallIdentifiers(recall) : null,
    status: record.status,
    noticeSentAt: record.noticeSentAt ?? null,
    deadline: record.deadline ?? null,
    answer: record.answer?.answer ?? null,
    answeredAt: record.answeredAt ?? null,
    onTime: record.answerOnTime ?? null,
    staydownCheck: staydownCheckView(record),
  };
}

/** The stay-down check waiting for the marketplace's answer, if any. */
function staydownCheckView(record: CaseRecord) {
  const open = openCheck(record)?.check;
  return open ? { afterWorkingDays: open.afterWorkingDays, requestedAt: open.requestedAt!, deadline: open.deadline! } : null;
}

/** The JSON body as the form's fields: listings as lines, numbers as text, so one schema checks both. */
function formOf(body: Record<string, unknown>): Record<string, unknown> {
  const form: Record<string, unknown> = { ...body };
  if (Array.isArray(body.listings)) {
    if (!body.listings.every((l) => typeof l === 'string')) return { ...form, listings: 0 };
    form.listings = (body.listings as string[]).join('\n');
  }
  if (typeof body.count === 'number') form.count = String(body.count);
  return form;
}

/** GET /v1/cases: one page of the key's marketplace's cases, open, closed or all. */
async function listCases(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps): Promise<ApiResponse> {
  const filter = request.query.status ?? 'open';
  if (!Object.hasOwn(STATUS_FILTERS, filter)) return problem(400, 'status must be open, closed, all or checks', 'status');
  try {
    const page = await deps.cases.ofMarketplace(key.marketplaceId, { limit: PAGE_SIZE, after: request.query.nextToken, statuses: STATUS_FILTERS[filter] });
    const records = filter === 'checks' ? page.records.filter((r) => openCheck(r)) : page.records;
    // Each recall read once, however many of the page's cases it has; its identifiers are kept by content.
    const numbers = [...new Set(records.map((r) => r.recallNumber))];
    const recalls = new Map(await Promise.all(numbers.map(async (n) => [n, await deps.recalls.get(n)] as const)));
    const view = (r: CaseRecord) => caseView(r, recalls.get(r.recallNumber));
    return json(200, { cases: records.map(view), nextToken: page.next ?? null });
  } catch (error) {
    if (error instanceof BadPageToken) return problem(400, error.message, 'nextToken');
    throw error;
  }
}

/** The body as an answer (or a stay-down check's answer), or the problem with it. */
function parseBody<T>(
  text: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } },
  answers: string,
): { answer: T } | { problem: ApiResponse } {
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { problem: problem(413, 'the answer is larger than 64 KB: send fewer listings at a time') };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: problem(400, 'the body is not JSON') };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { problem: problem(400, 'the body must be a JSON object') };
  const parsed = schema.safeParse(formOf(body as Record<string, unknown>));
  if (parsed.success) return { answer: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'answer';
  const message = field === 'answer' ? `answer must be one of ${answers}` : `${field}: ${issue?.message}`;
  return { problem: problem(400, message, field) };
}

/** The key's marketplace's case; another marketplace's looks, and takes, exactly what one that does not exist does: one count for the key. */
async function caseOfKey(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps, at: Date): Promise<{ record: CaseRecord } | { problem: ApiResponse }> {
  const caseId = request.caseId ?? '';
  const record = await deps.cases.get(caseId);
  if (record && record.marketplaceId === key.marketplaceId) return { record };
  await deps.refusals.count(`key:${key.keyId}`, 'no such case for this marketplace', at);
  return { problem: problem(404, `there is no case ${caseId} for marketplace ${key.marketplaceId}`) };
}

/** POST /v1/cases/{caseId}/answer: the first answer is recorded and resumes the workflow; a repeat changes nothing. */
async function postAnswer(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps, at: Date): Promise<ApiResponse> {
  const found = await caseOfKey(request, key, deps, at);
  if ('problem' in found) return found.problem;
  const { record } = found;
  const parsed = parseBody<Answer>(request.body, answerSchema, 'blocked, not_listed, dispute, extension');
  if ('problem' in parsed) return parsed.problem;
  const taken = await takeAnswer(record, parsed.answer, at, 'api', deps);
  const message = !taken.recorded
    ? 'an answer was already recorded for this case; this one changed nothing'
    : taken.afterEnd
      ? 'the answer is recorded as late: the case had already ended'
      : 'the answer is recorded';
  return json(200, { ...caseView(taken.record), reference: referenceOf(taken.record), recorded: taken.recorded, message });
}

/** POST /v1/cases/{caseId}/attestation: the answer to the open stay-down check; refused (409) when none is open. */
async function postAttestation(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps, at: Date): Promise<ApiResponse> {
  const found = await caseOfKey(request, key, deps, at);
  if ('problem' in found) return found.problem;
  const parsed = parseBody<Attestation>(request.body, attestationSchema, 'still_blocked, found_removed');
  if ('problem' in parsed) return parsed.problem;
  try {
    const { record, check } = await takeAttestation(found.record, parsed.answer, at, 'api', deps);
    return json(200, {
      ...caseView(record),
      attestation: { answer: check.answer!.answer, answeredAt: check.answeredAt!, onTime: check.onTime! },
      message: check.onTime ? 'the check is answered' : 'the check is answered, after its deadline: it is recorded as late',
    });
  } catch (error) {
    if (error instanceof AttestationRefused) return problem(409, error.message);
    throw error;
  }
}

/** GET /v1/cases/{caseId}: one case of the key's marketplace, with the recall's identifiers. */
async function getCase(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps, at: Date): Promise<ApiResponse> {
  const found = await caseOfKey(request, key, deps, at);
  if ('problem' in found) return found.problem;
  return json(200, caseView(found.record, await deps.recalls.get(found.record.recallNumber)));
}

const POSTS: Record<string, typeof postAnswer> = {
  'POST /v1/cases/{caseId}/answer': postAnswer,
  'POST /v1/cases/{caseId}/attestation': postAttestation,
};

/**
 * The JSON API for marketplaces that answer in bulk. Every call carries the marketplace's API
 * key (`x-api-key`); a key reaches its own marketplace's cases and no other.
 */
export async function answerApi(request: ApiRequest, deps: AnswerApiDeps): Promise<ApiResponse> {
  if (request.routeKey === 'GET /v1/openapi.json') return json(200, openApi);
  const at = now();
  const key = request.apiKey ? await deps.apiKeys.verify(request.apiKey) : undefined;
  const posting = Object.hasOwn(POSTS, request.routeKey);
  const oneCase = posting || request.routeKey === 'GET /v1/cases/{caseId}';
  const caseId = request.caseId ?? '';
  if (oneCase && !CASE_ID_PATTERN.test(caseId)) return problem(404, `there is no case ${caseId}`);
  if (!key) {
    const reason = request.apiKey ? 'unknown or revoked API key' : 'missing x-api-key header';
    // Counted apart from the case's audit log: a flood of forged requests grows a counter, not a log.
    await deps.refusals.count(oneCase ? caseId : 'api', `api ${reason}`, at);
    return problem(401, reason);
  }
  if (request.routeKey === 'GET /v1/cases') return listCases(request, key, deps);
  if (request.routeKey === 'GET /v1/cases/{caseId}') return getCase(request, key, deps, at);
  return posting ? POSTS[request.routeKey]!(request, key, deps, at) : problem(404, 'no such route');
}
