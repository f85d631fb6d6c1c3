import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  AWAITING_STATUSES,
  answerSchema,
  type Answer,
  CASE_ID_PATTERN,
  CASE_STATUSES,
  STAFF_STATUSES,
  type CaseRecord,
  type CaseStatus,
} from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import { referenceOf } from '#shared/pages/response-page.ts';
import type { ApiKeyRecord, ApiKeyStore } from '#shared/store/api-key-store.ts';
import type { RefusalCounts } from '#shared/store/refusals.ts';
import { BadPageToken, type CaseStore } from '#shared/store/case-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import { takeAnswer } from '../case-operations/take-answer.ts';
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
};

/** A case as the API shows it to its marketplace: never the task token or staff's notes. */
function caseView(record: CaseRecord, title?: string) {
  return {
    caseId: record.caseId,
    recallNumber: record.recallNumber,
    recallTitle: title ?? null,
    status: record.status,
    noticeSentAt: record.noticeSentAt ?? null,
    deadline: record.deadline ?? null,
    answer: record.answer?.answer ?? null,
    answeredAt: record.answeredAt ?? null,
    onTime: record.answerOnTime ?? null,
  };
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
  if (!Object.hasOwn(STATUS_FILTERS, filter)) return problem(400, 'status must be open, closed or all', 'status');
  try {
    const page = await deps.cases.ofMarketplace(key.marketplaceId, { limit: PAGE_SIZE, after: request.query.nextToken, statuses: STATUS_FILTERS[filter] });
    const titles = await Promise.all(page.records.map((r) => deps.recalls.get(r.recallNumber).then((recall) => recall?.title)));
    return json(200, { cases: page.records.map((r, i) => caseView(r, titles[i])), nextToken: page.next ?? null });
  } catch (error) {
    if (error instanceof BadPageToken) return problem(400, error.message, 'nextToken');
    throw error;
  }
}

/** The body as an answer, or the problem with it. */
function parseAnswer(text: string): { answer: Answer } | { problem: ApiResponse } {
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { problem: problem(413, 'the answer is larger than 64 KB: send fewer listings at a time') };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problem: problem(400, 'the body is not JSON') };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { problem: problem(400, 'the body must be a JSON object') };
  const parsed = answerSchema.safeParse(formOf(body as Record<string, unknown>));
  if (parsed.success) return { answer: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'answer';
  const message = field === 'answer' ? 'answer must be one of blocked, not_listed, dispute, extension' : `${field}: ${issue?.message}`;
  return { problem: problem(400, message, field) };
}

/** POST /v1/cases/{caseId}/answer: the first answer is recorded and resumes the workflow; a repeat changes nothing. */
async function postAnswer(request: ApiRequest, key: ApiKeyRecord, deps: AnswerApiDeps, at: Date): Promise<ApiResponse> {
  const caseId = request.caseId ?? '';
  const record = await deps.cases.get(caseId);
  if (!record || record.marketplaceId !== key.marketplaceId) {
    // Another marketplace's case looks, and takes, exactly what one that does not exist does: one count for the key.
    await deps.refusals.count(`key:${key.keyId}`, 'no such case for this marketplace', at);
    return problem(404, `there is no case ${caseId} for marketplace ${key.marketplaceId}`);
  }
  const parsed = parseAnswer(request.body);
  if ('problem' in parsed) return parsed.problem;
  const taken = await takeAnswer(record, parsed.answer, at, 'api', deps);
  const message = !taken.recorded
    ? 'an answer was already recorded for this case; this one changed nothing'
    : taken.afterEnd
      ? 'the answer is recorded as late: the case had already ended'
      : 'the answer is recorded';
  return json(200, { ...caseView(taken.record), reference: referenceOf(taken.record), recorded: taken.recorded, message });
}

/**
 * The JSON API for marketplaces that answer in bulk. Every call carries the marketplace's API
 * key (`x-api-key`); a key reaches its own marketplace's cases and no other.
 */
export async function answerApi(request: ApiRequest, deps: AnswerApiDeps): Promise<ApiResponse> {
  if (request.routeKey === 'GET /v1/openapi.json') return json(200, openApi);
  const at = now();
  const key = request.apiKey ? await deps.apiKeys.verify(request.apiKey) : undefined;
  const posting = request.routeKey === 'POST /v1/cases/{caseId}/answer';
  const caseId = request.caseId ?? '';
  if (posting && !CASE_ID_PATTERN.test(caseId)) return problem(404, `there is no case ${caseId}`);
  if (!key) {
    const reason = request.apiKey ? 'unknown or revoked API key' : 'missing x-api-key header';
    // Counted apart from the case's audit log: a flood of forged requests grows a counter, not a log.
    await deps.refusals.count(posting ? caseId : 'api', `api ${reason}`, at);
    return problem(401, reason);
  }
  if (request.routeKey === 'GET /v1/cases') return listCases(request, key, deps);
  return posting ? postAnswer(request, key, deps, at) : problem(404, 'no such route');
}
