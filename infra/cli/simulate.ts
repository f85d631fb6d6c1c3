import { mkdir, rm } from 'node:fs/promises';
import type { FaultSpec } from '../local-cloud/faults.ts';
import { LocalCloud } from '../local-cloud/local-cloud.ts';
import { caseReports, parseResponses, runSimulation, type CaseReport } from '../simulate/simulation.ts';
import { readJsonFile } from './files.ts';
import { printDenials } from './denials.ts';

export interface SimulateOptions {
  recalls: string;
  marketplaces: string;
  responses?: string;
  start?: string;
  until?: string;
  faults?: FaultSpec;
  json: boolean;
  dataDir: string;
  /** A synthesized cloud assembly to deploy instead of the app. */
  app?: string;
}

/** What a simulation leaves in the data directory; only these are cleared before a new one. */
const STATE = ['dynamodb', 'executions.json', 'secrets.json', 'clock.json'];

export async function simulate(options: SimulateOptions): Promise<CaseReport[]> {
  const start = options.start ? new Date(options.start) : new Date();
  if (Number.isNaN(start.getTime())) throw new Error(`--start must be an ISO 8601 date and time, got ${options.start}`);
  const until = options.until ? new Date(options.until) : undefined;
  if (until && (Number.isNaN(until.getTime()) || until <= start))
    throw new Error(`--until must be an ISO 8601 date and time after the start, got ${options.until}`);
  const recalls = await readJsonFile(options.recalls, 'recalls');
  if (!Array.isArray(recalls)) throw new Error(`the recalls file ${options.recalls} must hold a JSON array of CPSC Recalls API records`);
  const marketplaces = await readJsonFile(options.marketplaces, 'marketplaces');
  const responses = options.responses ? parseResponses(await readJsonFile(options.responses, 'responses')) : [];

  await mkdir(options.dataDir, { recursive: true });
  for (const entry of STATE) await rm(`${options.dataDir}/${entry}`, { recursive: true, force: true });
  const cloud = await LocalCloud.start({ start, dataDir: options.dataDir, faults: options.faults, app: options.app });
  printDenials(cloud);
  try {
    await runSimulation(cloud, { recalls, marketplaces, responses }, { until });
    if (options.faults)
      console.error(
        `faults injected: ${Object.entries(cloud.faults.injected)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ')}`,
      );
    return await caseReports(cloud);
  } finally {
    await cloud.stop();
  }
}

export function printReports(reports: CaseReport[]): void {
  const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
  console.log(['case', 'status', 'notified', 'deadline', 'answered', 'on time', 'transitions', 'emails'].join('\t'));
  for (const r of reports) {
    console.log(
      [
        r.caseId,
        r.status,
        day(r.notifiedAt),
        day(r.deadline),
        day(r.respondedAt),
        r.onTime === null ? '-' : r.onTime ? 'yes' : 'no',
        r.transitions,
        r.emails.length,
      ].join('\t'),
    );
  }
  const counts = new Map<string, number>();
  for (const r of reports) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  console.log(`${reports.length} cases: ${[...counts].map(([status, n]) => `${status} ${n}`).join(', ')}`);
}
