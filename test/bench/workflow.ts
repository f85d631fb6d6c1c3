import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySignature } from '#infra/local-cloud/iam/sigv4.mjs';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { caseReports, runSimulation, type CaseReport, type ScriptedResponse } from '#infra/simulate/simulation.ts';
import { DEFAULT_POLICY, policySchema } from '#shared/marketplace.ts';
import { staydownChecks } from '#shared/staydown.ts';
import { agencyDate, agencyInstant, WorkingCalendar } from '#shared/working-days.ts';
import { decideAt } from '../support/staff.ts';
import { recallsFromCatalogue } from './catalogue.ts';
import { add, costOf, dynamodbUsage, pollingExtra, scale, usd, type Usage } from './costs.ts';

/** The ladder's paths, and what each marketplace does on it (times after a Monday 09:00 notice). */
const PATHS = {
  // The next working day, before the reminder.
  onTime: { action: 'blocked', at: '2026-03-03T15:00:00Z' },
  afterReminder: { action: 'not_listed', at: '2026-03-04T10:00:00Z' },
  escalated: { action: 'blocked', at: '2026-03-06T15:00:00Z' },
  expired: { action: 'none', at: '2026-03-02T14:00:00Z' },
  disputed: { action: 'dispute', at: '2026-03-03T15:00:00Z' },
  extended: { action: 'extension', at: '2026-03-03T15:00:00Z' },
} as const;
type Path = keyof typeof PATHS;
const PATH_NAMES = Object.keys(PATHS) as Path[];

/**
 * Stay-down is on for the first marketplace only (the default checks, 20 and 60 working days
 * after the block); the others turn it off. Its cases answered on time take one of three
 * stay-down paths in turn; its other blocked cases answer every check.
 */
const STAYDOWN_PATHS = ['staydownAnswered', 'staydownUnanswered', 'relisted'] as const;
type StaydownPath = (typeof STAYDOWN_PATHS)[number];
const CALENDAR = new WorkingCalendar();
const POLICY = policySchema.parse({});
/** A case's scripted answers to its checks, on each check's working day at 15:00 New York. */
const checkAnswers = (period: number, blockedAt: string): string[] =>
  staydownChecks(period, new Date(blockedAt), POLICY, CALENDAR).map((c) => agencyInstant(agencyDate(new Date(c.dueAt)), 15, 0, 0).toISOString());
/** The relisted path: reported 5 working days after the block, blocked again the next working day. */
const RELISTED_AT = agencyInstant(agencyDate(CALENDAR.workingDaysAfter(new Date(PATHS.onTime.at), 5)), 14, 0, 0).toISOString();
const REBLOCKED_AT = agencyInstant(agencyDate(CALENDAR.workingDaysAfter(new Date(RELISTED_AT), 1)), 10, 0, 0).toISOString();
/** When each blocked path's "blocked" answer comes (staff send the disputed and extended back first). */
const BLOCKED_AT: Partial<Record<Path, string>> = {
  onTime: PATHS.onTime.at,
  escalated: PATHS.escalated.at,
  disputed: '2026-03-18T15:00:00Z',
  extended: '2026-03-18T15:00:00Z',
};

/** The scripted stay-down events of a case of the stay-down marketplace. */
function staydownScript(path: Path, staydownPath: StaydownPath | undefined, base: { recallNumber: string; marketplaceId: string }): ScriptedResponse[] {
  const blockedAt = BLOCKED_AT[path];
  if (!blockedAt || staydownPath === 'staydownUnanswered') return [];
  const stillBlocked = (at: string): ScriptedResponse => ({ ...base, action: 'still_blocked', at });
  if (staydownPath === 'relisted') {
    return [
      { ...base, action: 'relisted', at: RELISTED_AT },
      { ...base, action: 'blocked', at: REBLOCKED_AT },
      ...checkAnswers(2, REBLOCKED_AT).map(stillBlocked),
    ];
  }
  return checkAnswers(1, blockedAt).map(stillBlocked);
}

export interface WorkflowResult {
  recalls: number;
  marketplaces: number;
  cases: number;
  wallSeconds: number;
  peakRssMb: number;
  /** The case workflow's transitions on each path, without stay-down checks (priced apart, by their own paths). */
  transitionsPerCase: Record<Path, number>;
  /** The on-time cases of the stay-down marketplace by stay-down path: transitions of every execution, and AWS cost. */
  staydown: Record<StaydownPath, { cases: number; caseTransitions: number; staydownTransitions: number; emails: number; costPer1000CasesUsd: number }>;
  statuses: Record<string, number>;
  /** AWS cost of 1,000 cases of this mix, and of the same cases polled every hour until answered. */
  costPer1000CasesUsd: number;
  pollingCostPer1000CasesUsd: number;
  /** The same for the cases answered on time, without stay-down checks. */
  onTimeCostPer1000CasesUsd: number;
  onTimePollingCostPer1000CasesUsd: number;
  /** What each case used, on average, as counted in the run. */
  usagePerCase: Usage;
  /** The most notices sent in one second of virtual time (the configured maximum is 14). */
  maxNoticesPerSecond: number;
  /** From the first notice to the last. */
  noticeSpreadSeconds: number;
  /** What IAM enforcement cost: every call authorized, of which few evaluated (the rest from the decisions kept), and the calls denied (none in a run that works). */
  iam: IamFigures;
}

export interface IamFigures {
  /** Calls authorized a case: each DynamoDB request and email at its thread, each Step Functions, Secrets Manager, Lambda, API and service call at the main thread. */
  authorizationsPerCase: number;
  /** Policy evaluations (each distinct principal, action, resource and tested condition keys, once), in all and a case. */
  evaluations: number;
  evaluationsPerCase: number;
  /** One evaluation (the maintained evaluator, validating its input), timed apart from the run on the run's first distinct calls. */
  msPerEvaluation: number;
  /** One SigV4 check (every request's), timed apart: the AWS SDK's signer signing a DynamoDB request again. */
  msPerSignatureCheck: number;
  denials: number;
}

/** The IAM figures of a run: its authorizations, evaluations and denials. */
export async function iamFigures(cloud: LocalCloud, cases: number): Promise<IamFigures> {
  const { evaluations } = cloud.iam.stats;
  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    authorizationsPerCase: round((await cloud.authorizations()) / cases),
    evaluations,
    evaluationsPerCase: round(evaluations / cases, 3),
    msPerEvaluation: round((await cloud.iam.measureEvaluations()).ms, 3),
    msPerSignatureCheck: round(await signatureCheckMs(), 3),
    denials: cloud.iam.denials().length,
  };
}

/** The mean time of checking a signed DynamoDB request's signature (as every gate does), over 2,000 checks. */
async function signatureCheckMs(): Promise<number> {
  const credentials = { accessKeyId: 'ASIABENCH', secretAccessKey: 'secret', sessionToken: 'token' };
  const body = JSON.stringify({ TableName: 'Cases', Key: { caseId: { S: '26582.alimart' } } });
  const signed = await new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 }).sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 8000,
    path: '/',
    headers: { host: '127.0.0.1:8000', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
    body,
  });
  const request = {
    method: 'POST',
    host: '127.0.0.1:8000',
    path: '/',
    query: new URLSearchParams(),
    headers: signed.headers as Record<string, string>,
    body: Buffer.from(body),
  };
  const options = { lookup: () => credentials, region: 'us-east-1', service: 'dynamodb', clocks: [() => Date.now()] };
  const started = performance.now();
  for (let i = 0; i < 2000; i++) if (!(await verifySignature(request, options)).ok) throw new Error('the benchmark request does not verify');
  return (performance.now() - started) / 2000;
}

/** The benchmark's mix: `recalls` x `marketplaces` cases, each on one path of the ladder in turn. */
export function pathMix(recalls: number, marketplaceCount: number) {
  const records = recallsFromCatalogue(recalls);
  const marketplaces = Array.from({ length: marketplaceCount }, (_, j) => ({
    id: `market-${j + 1}`,
    name: `Market ${j + 1}`,
    noticeEmails: [`safety@market-${j + 1}.example`],
    policy: { staydownChecksAfterWorkingDays: j === 0 ? DEFAULT_POLICY.staydownChecksAfterWorkingDays : [] },
  }));
  const pathOf = new Map<string, Path>();
  const staydownPathOf = new Map<string, StaydownPath>();
  const responses: ScriptedResponse[] = [];
  const staydown: ScriptedResponse[] = [];
  let onTimeWatched = 0;
  records.forEach((record, i) =>
    marketplaces.forEach((m, j) => {
      const path = PATH_NAMES[(i + j) % PATH_NAMES.length]!;
      const recallNumber = String(record.RecallNumber);
      const caseId = `${recallNumber}.${m.id}`;
      pathOf.set(caseId, path);
      responses.push({ recallNumber, marketplaceId: m.id, ...PATHS[path] });
      if (j !== 0) return;
      const staydownPath = path === 'onTime' ? STAYDOWN_PATHS[onTimeWatched++ % STAYDOWN_PATHS.length] : undefined;
      if (staydownPath) staydownPathOf.set(caseId, staydownPath);
      staydown.push(...staydownScript(path, staydownPath, { recallNumber, marketplaceId: m.id }));
    }),
  );
  return { records, marketplaces, pathOf, staydownPathOf, responses, staydown };
}

export const MIX_START = new Date('2026-03-02T14:00:00Z');

/**
 * Runs the mix on a cloud started at MIX_START: the scripted answers, staff deciding every
 * dispute (rejected) and extension (granted) on the Thursday, and the answers after them.
 */
export async function runMix(cloud: LocalCloud, mix: ReturnType<typeof pathMix>): Promise<void> {
  const decisions = [...mix.pathOf].flatMap(([caseId, path]): [string, Record<string, string>][] =>
    path === 'disputed'
      ? [[caseId, { decision: 'reject_dispute', reason: 'Listings match.' }]]
      : path === 'extended'
        ? [[caseId, { decision: 'grant_extension', until: '2026-03-20' }]]
        : [],
  );
  decideAt(cloud, '2026-03-05T15:00:00Z', decisions);
  const answered = mix.responses.filter((r) => r.action !== 'none');
  const followUps: ScriptedResponse[] = [...mix.pathOf]
    .filter(([, path]) => path === 'disputed' || path === 'extended')
    .map(([caseId]) => {
      const [recallNumber, marketplaceId] = caseId.split('.') as [string, string];
      return { recallNumber, marketplaceId, action: 'blocked', at: '2026-03-18T15:00:00Z' };
    });
  const responses = [...answered, ...followUps, ...mix.staydown].sort((a, b) => a.at.localeCompare(b.at));
  await runSimulation(cloud, { recalls: mix.records, marketplaces: mix.marketplaces, responses }, { warn: () => undefined });
}

/** `recalls` x `marketplaces` cases through a mix of every path of the ladder, in virtual time. */
export async function workflowBenchmark(recalls = 1000, marketplaceCount = 5): Promise<WorkflowResult> {
  const mix = pathMix(recalls, marketplaceCount);
  const cloud = await LocalCloud.start({ start: MIX_START });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  try {
    await runMix(cloud, mix);
    const wallSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const usage = await measuredUsage(cloud);
    const reports = await caseReports(cloud);
    const transitions = Object.fromEntries(PATH_NAMES.map((p) => [p, [] as number[]])) as Record<Path, number[]>;
    const statuses: Record<string, number> = {};
    for (const report of reports) {
      // Each path as it runs without stay-down checks (a relisting runs the case workflow again).
      if (!mix.staydownPathOf.has(report.caseId)) transitions[mix.pathOf.get(report.caseId)!].push(report.transitions);
      statuses[report.status] = (statuses[report.status] ?? 0) + 1;
    }
    const average = (list: number[]) => (list.length ? Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10 : 0);
    return {
      recalls,
      marketplaces: marketplaceCount,
      cases: reports.length,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      transitionsPerCase: Object.fromEntries(PATH_NAMES.map((p) => [p, average(transitions[p])])) as Record<Path, number>,
      statuses,
      ...(await costs(cloud, usage, reports, mix.pathOf, mix.staydownPathOf)),
      staydown: staydownCosts(cloud, usage, reports, mix.staydownPathOf),
      ...noticeRate(reports),
      iam: await iamFigures(cloud, reports.length),
    };
  } finally {
    clearInterval(sampler);
    await cloud.stop();
  }
}

/** What the whole run used: every execution's state transitions, invocations, emails, DynamoDB and API requests. */
async function measuredUsage(cloud: LocalCloud): Promise<{ usage: Usage; recallTransitions: number }> {
  const entered = (arn: string) => cloud.stepFunctions.history(arn).filter((e) => e.type.endsWith('StateEntered')).length;
  const count = (machine: string) => cloud.stepFunctions.listExecutions(machine).reduce((n, e) => n + entered(e.executionArn), 0);
  const recallTransitions = count(cloud.recallStateMachineArn);
  const usage = {
    transitions: count(cloud.caseStateMachineArn) + count(cloud.staydownStateMachineArn) + recallTransitions,
    invocations: [...cloud.lambda.invocations.values()].reduce((a, b) => a + b, 0),
    emails: (await cloud.emails()).length,
    ...dynamodbUsage(await cloud.dynamodbRequests()),
    apiRequests: cloud.lambda.invocations.get(cloud.functionNames.respond) ?? 0,
  };
  return { usage, recallTransitions };
}

/**
 * The cost of 1,000 cases, event-driven as built and polled hourly until answered (the same work
 * plus the checks), over the whole mix and over the cases answered on time. An on-time case is
 * counted from its own transitions, tasks and emails, its share of the recall workflow, and the
 * mix's average DynamoDB requests (more than it makes: the comparison favours polling).
 */
async function costs(
  cloud: LocalCloud,
  measured: { usage: Usage; recallTransitions: number },
  reports: CaseReport[],
  pathOf: Map<string, string>,
  staydownPathOf: Map<string, string>,
) {
  const total = measured.usage;
  const cases = reports.length;
  const records = new Map((await cloud.stores().cases.list()).map((r) => [r.caseId, r]));
  const hoursWaiting = (caseId: string) => {
    const r = records.get(caseId)!;
    const end = r.previousAnswers?.[0]?.answeredAt ?? r.answeredAt ?? r.expiredAt ?? r.closedAt ?? r.updatedAt;
    return (Date.parse(end) - Date.parse(r.noticeSentAt ?? r.openedAt)) / 3_600_000;
  };
  const polling = reports.reduce<Usage>((u, r) => add(u, pollingExtra(hoursWaiting(r.caseId))), total);
  const perCase = scale(total, 1 / cases);
  // The on-time path without stay-down checks (those are priced by path in staydownCosts).
  const onTime = reports.filter((r) => pathOf.get(r.caseId) === 'onTime' && !staydownPathOf.has(r.caseId));
  const tasks = (r: CaseReport) =>
    cloud.stepFunctions
      .history(`${cloud.caseStateMachineArn.replace(':stateMachine:', ':execution:')}:${r.caseId}`)
      .filter((e) => e.type === 'TaskStateEntered').length;
  const onTimeUsage = onTime.reduce<Usage>(
    (u, r) =>
      add(u, {
        transitions: r.transitions + measured.recallTransitions / cases,
        invocations: tasks(r) + 1,
        emails: r.emails.length,
        writes: perCase.writes,
        reads: perCase.reads,
        apiRequests: 1,
      }),
    scale(perCase, 0),
  );
  const onTimePolling = onTime.reduce<Usage>((u, r) => add(u, pollingExtra(hoursWaiting(r.caseId))), onTimeUsage);
  const per1000 = (usage: Usage, n: number) => usd((costOf(usage) / n) * 1000);
  return {
    costPer1000CasesUsd: per1000(total, cases),
    pollingCostPer1000CasesUsd: per1000(polling, cases),
    onTimeCostPer1000CasesUsd: per1000(onTimeUsage, onTime.length),
    onTimePollingCostPer1000CasesUsd: per1000(onTimePolling, onTime.length),
    usagePerCase: Object.fromEntries(Object.entries(perCase).map(([k, v]) => [k, Math.round(v * 10) / 10])) as unknown as Usage,
  };
}

/**
 * The cost of 1,000 cases of each stay-down path (on-time cases of the stay-down marketplace):
 * every execution's transitions, a task's invocation each and one for each answer posted, its
 * emails, its share of the recall workflow, and the mix's average DynamoDB requests a case.
 */
function staydownCosts(cloud: LocalCloud, measured: { usage: Usage; recallTransitions: number }, reports: CaseReport[], pathOf: Map<string, StaydownPath>) {
  const perCase = scale(measured.usage, 1 / reports.length);
  const machines = [cloud.caseStateMachineArn, cloud.staydownStateMachineArn];
  const tasks = new Map<string, number>();
  for (const machine of machines) {
    for (const execution of cloud.stepFunctions.listExecutions(machine)) {
      const caseId = execution.name.replace(/\.(relisted|staydown)-\d+$/, '');
      const entered = cloud.stepFunctions.history(execution.executionArn).filter((e) => e.type === 'TaskStateEntered').length;
      tasks.set(caseId, (tasks.get(caseId) ?? 0) + entered);
    }
  }
  const average = (list: number[]) => (list.length ? Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10 : 0);
  return Object.fromEntries(
    STAYDOWN_PATHS.map((path) => {
      const mine = reports.filter((r) => pathOf.get(r.caseId) === path);
      const answers = (r: CaseReport) => 1 + r.staydown.filter((c) => c.answer).length + r.relistings.length * 2;
      const usage = mine.reduce<Usage>(
        (u, r) =>
          add(u, {
            transitions: r.transitions + r.staydownTransitions + measured.recallTransitions / reports.length,
            invocations: (tasks.get(r.caseId) ?? 0) + answers(r),
            emails: r.emails.length,
            writes: perCase.writes,
            reads: perCase.reads,
            apiRequests: answers(r),
          }),
        scale(perCase, 0),
      );
      return [
        path,
        {
          cases: mine.length,
          caseTransitions: average(mine.map((r) => r.transitions)),
          staydownTransitions: average(mine.map((r) => r.staydownTransitions)),
          emails: average(mine.map((r) => r.emails.length)),
          costPer1000CasesUsd: mine.length ? usd((costOf(usage) / mine.length) * 1000) : 0,
        },
      ];
    }),
  ) as WorkflowResult['staydown'];
}

/** How the notices of the burst were spread: the most in one second, and from the first to the last. */
function noticeRate(reports: CaseReport[]): { maxNoticesPerSecond: number; noticeSpreadSeconds: number } {
  const sent = reports.flatMap((r) => (r.notifiedAt ? [Date.parse(r.notifiedAt)] : []));
  const perSecond = new Map<number, number>();
  for (const at of sent) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return { maxNoticesPerSecond: Math.max(0, ...perSecond.values()), noticeSpreadSeconds: sent.length ? (Math.max(...sent) - Math.min(...sent)) / 1000 : 0 };
}
