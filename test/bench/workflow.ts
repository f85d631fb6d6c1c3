import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { caseReports, runSimulation, type CaseReport, type ScriptedResponse } from '#infra/simulate/simulation.ts';
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

export interface WorkflowResult {
  recalls: number;
  marketplaces: number;
  cases: number;
  wallSeconds: number;
  peakRssMb: number;
  transitionsPerCase: Record<Path, number>;
  statuses: Record<string, number>;
  /** AWS cost of 1,000 cases of this mix, and of the same cases polled every hour until answered. */
  costPer1000CasesUsd: number;
  pollingCostPer1000CasesUsd: number;
  /** The same for the cases answered on time. */
  onTimeCostPer1000CasesUsd: number;
  onTimePollingCostPer1000CasesUsd: number;
  /** What each case used, on average, as counted in the run. */
  usagePerCase: Usage;
  /** The most notices sent in one second of virtual time (the configured maximum is 14). */
  maxNoticesPerSecond: number;
  /** From the first notice to the last. */
  noticeSpreadSeconds: number;
}

/** The benchmark's mix: `recalls` x `marketplaces` cases, each on one path of the ladder in turn. */
export function pathMix(recalls: number, marketplaceCount: number) {
  const records = recallsFromCatalogue(recalls);
  const marketplaces = Array.from({ length: marketplaceCount }, (_, j) => ({
    id: `market-${j + 1}`,
    name: `Market ${j + 1}`,
    noticeEmails: [`safety@market-${j + 1}.example`],
  }));
  const pathOf = new Map<string, Path>();
  const responses: ScriptedResponse[] = [];
  records.forEach((record, i) =>
    marketplaces.forEach((m, j) => {
      const path = PATH_NAMES[(i + j) % PATH_NAMES.length]!;
      const recallNumber = String(record.RecallNumber);
      pathOf.set(`${recallNumber}.${m.id}`, path);
      responses.push({ recallNumber, marketplaceId: m.id, ...PATHS[path] });
    }),
  );
  return { records, marketplaces, pathOf, responses };
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
  decideAt(cloud, '2026-03-05T15:00:00Z', decisions, 'bench@example.gov');
  const answered = mix.responses.filter((r) => r.action !== 'none');
  const followUps: ScriptedResponse[] = [...mix.pathOf]
    .filter(([, path]) => path === 'disputed' || path === 'extended')
    .map(([caseId]) => {
      const [recallNumber, marketplaceId] = caseId.split('.') as [string, string];
      return { recallNumber, marketplaceId, action: 'blocked', at: '2026-03-18T15:00:00Z' };
    });
  await runSimulation(cloud, { recalls: mix.records, marketplaces: mix.marketplaces, responses: [...answered, ...followUps] }, { warn: () => undefined });
}

/** `recalls` x `marketplaces` cases through a mix of every path of the ladder, in virtual time. */
export async function workflowBenchmark(recalls = 1000, marketplaceCount = 5): Promise<WorkflowResult> {
  const mix = pathMix(recalls, marketplaceCount);
  const cloud = await LocalCloud.start({ start: MIX_START, deployTimeWrites: false });
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
      transitions[mix.pathOf.get(report.caseId)!].push(report.transitions);
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
      ...(await costs(cloud, usage, reports, mix.pathOf)),
      ...noticeRate(reports),
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
    transitions: count(cloud.caseStateMachineArn) + recallTransitions,
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
async function costs(cloud: LocalCloud, measured: { usage: Usage; recallTransitions: number }, reports: CaseReport[], pathOf: Map<string, string>) {
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
  const onTime = reports.filter((r) => pathOf.get(r.caseId) === 'onTime');
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

/** How the notices of the burst were spread: the most in one second, and from the first to the last. */
function noticeRate(reports: CaseReport[]): { maxNoticesPerSecond: number; noticeSpreadSeconds: number } {
  const sent = reports.flatMap((r) => (r.notifiedAt ? [Date.parse(r.notifiedAt)] : []));
  const perSecond = new Map<number, number>();
  for (const at of sent) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return { maxNoticesPerSecond: Math.max(0, ...perSecond.values()), noticeSpreadSeconds: sent.length ? (Math.max(...sent) - Math.min(...sent)) / 1000 : 0 };
}
