import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { caseReports, runSimulation, type ScriptedResponse } from '#infra/simulate/simulation.ts';
import { recallsFromCatalogue } from './catalogue.ts';

/** The ladder's paths, and what each marketplace does on it (times after a Monday 09:00 notice). */
const PATHS = {
  onTime: { action: 'blocked', at: '2026-03-02T16:00:00Z' },
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
}

/** `recalls` x `marketplaces` cases through a mix of every path of the ladder, in virtual time. */
export async function workflowBenchmark(recalls = 1000, marketplaceCount = 5): Promise<WorkflowResult> {
  const records = recallsFromCatalogue(recalls);
  const marketplaces = Array.from({ length: marketplaceCount }, (_, j) => ({ id: `market-${j + 1}`, name: `Market ${j + 1}`, noticeEmails: [`safety@market-${j + 1}.example`] }));
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

  const cloud = await LocalCloud.start({ start: new Date('2026-03-02T14:00:00Z'), deployTimeWrites: false });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  try {
    // Staff decide every dispute (rejected) and extension (granted) on the Thursday.
    cloud.clock.setTimeout(() => {
      for (const [caseId, path] of pathOf) {
        if (path === 'disputed') void cloud.clock.track(cloud.invoke('staffDecision', { caseId, by: 'bench@example.gov', decision: { decision: 'reject_dispute', reason: 'Listings match.' } }));
        if (path === 'extended') void cloud.clock.track(cloud.invoke('staffDecision', { caseId, by: 'bench@example.gov', decision: { decision: 'grant_extension', until: '2026-03-20' } }));
      }
    }, Date.parse('2026-03-05T15:00:00Z') - cloud.clock.now());
    const answered = responses.filter((r) => r.action !== 'none');
    const followUps: ScriptedResponse[] = [...pathOf]
      .filter(([, path]) => path === 'disputed' || path === 'extended')
      .map(([caseId]) => {
        const [recallNumber, marketplaceId] = caseId.split('.') as [string, string];
        return { recallNumber, marketplaceId, action: 'blocked', at: '2026-03-18T15:00:00Z' };
      });
    await runSimulation(cloud, { recalls: records, marketplaces, responses: [...answered, ...followUps] }, { warn: () => undefined });
    const wallSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const reports = await caseReports(cloud);
    const transitions = Object.fromEntries(PATH_NAMES.map((p) => [p, [] as number[]])) as Record<Path, number[]>;
    const statuses: Record<string, number> = {};
    for (const report of reports) {
      transitions[pathOf.get(report.caseId)!].push(report.transitions);
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
    };
  } finally {
    clearInterval(sampler);
    await cloud.stop();
  }
}
