import { fileURLToPath } from 'node:url';
import type { IngestResult } from '#functions/ingest/ingest-recalls.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import { LocalCloud } from '../local-cloud/local-cloud.ts';
import { readJsonFile } from './files.ts';
import { printDenials } from './denials.ts';

const DEMO = fileURLToPath(new URL('../demo/', import.meta.url));

export interface StartOptions {
  recalls?: string;
  marketplaces?: string;
  speed: number;
  inboxPort: number;
  respondPort: number;
  idpPort: number;
  json: boolean;
  dataDir?: string;
  logs?: boolean;
  /** A synthesized cloud assembly to deploy instead of the app. */
  app?: string;
}

/** What `start` brought up, for the lines it prints. */
interface Started {
  cloud: LocalCloud;
  marketplaces: Marketplace[];
  ingested: IngestResult;
  cases: number;
  apiKeys: Record<string, string>;
}

const stampOf = (cloud: LocalCloud) => cloud.clock.date().toISOString().replace('T', ' ').slice(0, 16);

/** A line (or, with --json, a JSON event) for each case whose workflow ends. */
function reportEndedCases(cloud: LocalCloud, json: boolean): void {
  cloud.stepFunctions.onExecutionEnd((execution) => {
    if (execution.stateMachineArn !== cloud.caseStateMachineArn) return;
    void cloud.caseRecord(execution.name).then((record) => {
      const status = record?.status ?? 'UNKNOWN';
      if (json) {
        console.log(
          JSON.stringify({
            event: 'workflow-ended',
            caseId: execution.name,
            caseStatus: status,
            closed: Boolean(record?.closedAt),
            workflowStatus: execution.status,
          }),
        );
        return;
      }
      const ended = record?.closedAt ? `closed as ${status}` : `now ${status}`;
      const late = record?.answerOnTime === false ? ' (answer late)' : '';
      console.log(`[${stampOf(cloud)} virtual] case ${execution.name} ${ended}${late}; its workflow ${execution.status.toLowerCase()}`);
    });
  });
}

/** The demo: the marketplaces (given, or the sample ones), the recalls ingested, their cases started, a key per marketplace. */
async function runDemo(cloud: LocalCloud, options: StartOptions): Promise<Started> {
  // Marketplaces are data, never part of the stack: the demo stores its own, as an admin would.
  const marketplaces = await cloud.importMarketplaces(await readJsonFile(options.marketplaces ?? `${DEMO}marketplaces.json`, 'marketplaces'));
  const records = await readJsonFile(options.recalls ?? `${DEMO}recalls.json`, 'recalls');
  if (!Array.isArray(records)) throw new Error('the recalls file must hold a JSON array of CPSC Recalls API records');
  const ingested = (await cloud.invoke('ingest', { source: options.recalls ?? 'demo recalls', records })) as IngestResult;
  // Recalls stored earlier (ingest --file) whose workflows have not started yet start now.
  await cloud.invoke('startWorkflows', {});
  // Report ready once the new cases' notices are out.
  await cloud.clock.settle();
  const cases = cloud.stepFunctions.listExecutions(cloud.caseStateMachineArn).length;
  // One API key per marketplace for this run, so the JSON API can be tried at once.
  const apiKeys: Record<string, string> = {};
  for (const m of marketplaces) apiKeys[m.id] = (await cloud.stores().apiKeys.issue(m.id, cloud.clock.date())).key;
  return { cloud, marketplaces, ingested, cases, apiKeys };
}

function printStarted({ cloud, marketplaces, ingested, cases, apiKeys }: Started, speed: number): void {
  const say = (line: string) => console.log(line);
  say(`recallguard is running locally; virtual time runs ${speed}x (1 real minute = ${(speed / 60) | 0 || speed / 60} virtual hours).`);
  say(`  inbox (the notices SES sent):  ${cloud.urls.inbox}/`);
  say(`  response pages:                ${cloud.urls.respond}respond/<case>?exp=...&sig=... (the link in each notice)`);
  say(`  JSON API for bulk answers:     ${cloud.urls.api}/cases (x-api-key from \`npm run cli -- marketplaces key ID\`; ${cloud.urls.api}/openapi.json)`);
  say(`  staff console (sign in):       ${cloud.urls.staff}`);
  say(`  identity provider (demo):      ${cloud.urls.idp}`);
  for (const [role, user] of Object.entries(cloud.users)) say(`    ${role.padEnd(8)} ${user.username} / ${user.password}`);
  const { aws } = cloud;
  say(`  AWS APIs, as the operator:     ${aws.endpoint} (AWS_ENDPOINT_URL; AWS_ACCESS_KEY_ID=${aws.accessKeyId} AWS_SECRET_ACCESS_KEY=${aws.secretAccessKey})`);
  say(`  virtual now:                   ${stampOf(cloud)} UTC; the staff digest goes out at 08:00 New York time on working days`);
  say(`Marketplaces: ${marketplaces.map((m) => m.name).join(', ')}.`);
  const { inserted, updated, unchanged, quarantined } = ingested;
  say(`Recalls: ${inserted} new, ${updated} updated, ${unchanged} unchanged, ${quarantined.length} quarantined; ${cases} cases started.`);
  for (const q of quarantined) say(`  record ${q.index} quarantined: ${q.reason}`);
  say(
    `API keys of this run: ${Object.entries(apiKeys)
      .map(([id, key]) => `${id} ${key}`)
      .join(', ')}.`,
  );
  say('Open a notice in the inbox and follow its link to answer. Ctrl+C stops.');
}

/** `start`: the local cloud with sample (or given) marketplaces and recalls, on time that runs fast. */
export async function start(options: StartOptions): Promise<LocalCloud> {
  const cloud = await LocalCloud.start({
    clock: { kind: 'scaled', rate: options.speed },
    ports: { inbox: options.inboxPort, respond: options.respondPort, idp: options.idpPort },
    // The schedules run on virtual time, but the CPSC pull: this demo ingests its own recalls.
    schedules: { except: ['pullRecalls'] },
    dataDir: options.dataDir,
    echoLogs: options.logs,
    app: options.app,
  });
  reportEndedCases(cloud, options.json);
  printDenials(cloud);
  const started = await runDemo(cloud, options);
  if (options.json) {
    const { inbox, respond, api, staff, console: staffConsole, idp } = cloud.urls;
    const users = Object.fromEntries(Object.entries(cloud.users).map(([role, u]) => [role, { username: u.username, password: u.password }]));
    const aws = cloud.aws;
    console.log(JSON.stringify({ inbox, respond, api, staff, console: staffConsole, idp, users, aws, cases: started.cases, apiKeys: started.apiKeys }));
  } else printStarted(started, options.speed);
  return cloud;
}
