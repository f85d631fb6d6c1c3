import { fileURLToPath } from 'node:url';
import type { IngestResult } from '#functions/ingest/ingest-recalls.ts';
import { LocalCloud } from '../local-cloud/local-cloud.ts';
import { readJsonFile } from './files.ts';

const DEMO = fileURLToPath(new URL('../demo/', import.meta.url));

export interface StartOptions {
  recalls?: string;
  marketplaces?: string;
  speed: number;
  inboxPort: number;
  respondPort: number;
  staffPort: number;
  json: boolean;
  dataDir?: string;
  logs?: boolean;
}

/** `start`: the local cloud with sample (or given) marketplaces and recalls, on time that runs fast. */
export async function start(options: StartOptions): Promise<LocalCloud> {
  const say = options.json ? () => undefined : (line: string) => console.log(line);
  const emit = options.json ? (event: Record<string, unknown>) => console.log(JSON.stringify(event)) : () => undefined;
  const cloud = await LocalCloud.start({
    clock: { kind: 'scaled', rate: options.speed },
    ports: { inbox: options.inboxPort, respond: options.respondPort, staff: options.staffPort },
    // The schedules run on virtual time, but the CPSC pull: this demo ingests its own recalls.
    schedules: { except: ['pullRecalls'] },
    // A marketplaces file given here replaces the ones cdk.json deploys.
    deployTimeWrites: !options.marketplaces,
    dataDir: options.dataDir,
    echoLogs: options.logs,
  });
  const stamp = () => cloud.clock.date().toISOString().replace('T', ' ').slice(0, 16);
  cloud.stepFunctions.onExecutionEnd((execution) => {
    if (execution.stateMachineArn !== cloud.caseStateMachineArn) return;
    void cloud.caseRecord(execution.name).then((record) => {
      const status = record?.status ?? 'UNKNOWN';
      const ended = record?.closedAt ? `closed as ${status}` : `now ${status}`;
      say(
        `[${stamp()} virtual] case ${execution.name} ${ended}${record?.answerOnTime === false ? ' (answer late)' : ''}; its workflow ${execution.status.toLowerCase()}`,
      );
      emit({ event: 'workflow-ended', caseId: execution.name, caseStatus: status, closed: Boolean(record?.closedAt), workflowStatus: execution.status });
    });
  });

  const marketplaces = options.marketplaces
    ? await cloud.importMarketplaces(await readJsonFile(options.marketplaces, 'marketplaces'))
    : await cloud.stores().marketplaces.listActive();
  const records = await readJsonFile(options.recalls ?? `${DEMO}recalls.json`, 'recalls');
  if (!Array.isArray(records)) throw new Error('the recalls file must hold a JSON array of CPSC Recalls API records');
  const result = (await cloud.invoke('ingest', { source: options.recalls ?? 'demo recalls', records })) as IngestResult;
  // Recalls stored earlier (ingest --file) whose workflows have not started yet start now.
  await cloud.invoke('startWorkflows', {});
  // Report ready once the new cases' notices are out.
  await cloud.clock.settle();
  const cases = cloud.stepFunctions.listExecutions(cloud.caseStateMachineArn).length;
  // One API key per marketplace for this run, so the JSON API can be tried at once.
  const apiKeys: Record<string, string> = {};
  for (const m of marketplaces) apiKeys[m.id] = (await cloud.stores().apiKeys.issue(m.id, cloud.clock.date())).key;

  if (options.json) {
    console.log(JSON.stringify({ inbox: cloud.urls.inbox, respond: cloud.urls.respond, api: cloud.urls.api, staff: cloud.urls.staff, cases, apiKeys }));
    return cloud;
  }
  say(`recallguard is running locally; virtual time runs ${options.speed}x (1 real minute = ${(options.speed / 60) | 0 || options.speed / 60} virtual hours).`);
  say(`  inbox (the notices SES sent):  ${cloud.urls.inbox}/`);
  say(`  response pages:                ${cloud.urls.respond}respond/<case>?exp=...&sig=... (the link in each notice)`);
  say(`  JSON API for bulk answers:     ${cloud.urls.api}/cases (x-api-key from \`npm run cli -- marketplaces key ID\`; ${cloud.urls.api}/openapi.json)`);
  say(`  staff page (cases, decisions, scorecard, digest): ${cloud.urls.staff}/`);
  say(`  virtual now:                   ${stamp()} UTC; the staff digest goes out at 08:00 New York time on working days`);
  say(`Marketplaces: ${marketplaces.map((m) => m.name).join(', ')}.`);
  say(
    `Recalls: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.quarantined.length} quarantined; ${cases} cases started.`,
  );
  for (const q of result.quarantined) say(`  record ${q.index} quarantined: ${q.reason}`);
  say(
    `API keys of this run: ${Object.entries(apiKeys)
      .map(([id, key]) => `${id} ${key}`)
      .join(', ')}.`,
  );
  say('Open a notice in the inbox and follow its link to answer. Ctrl+C stops.');
  return cloud;
}
