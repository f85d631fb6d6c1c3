import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { sourceOf } from '../deployment/open.ts';
import { STACK_NAME } from '../deployment/outputs.ts';
import { parseFaults, type FaultSpec } from '../local-cloud/faults.ts';
import { digestNow, printDigest } from './digest.ts';
import { caseHistory, listCases, printCases, printHistory, printReport, report } from './history.ts';
import { readJsonFile } from './files.ts';
import { reissue } from './link.ts';
import { reportRelisted } from './relisted.ts';
import { decide } from './decide.ts';
import { importMarketplaces, issueKey, revokeKey } from './marketplaces.ts';
import { endSessions } from './staff-sessions.ts';

// Commands that run the local cloud load it (and the CDK app it synthesizes) when they run:
// a command on a deployed stack or on stored tables never pays for it.

// The CLI runs on the developer's Node; the deployed functions run on Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('give a number above 0');
  return n;
};
const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a port from 0 to 65535');
  return n;
};

/** Where staff and operator commands work: the data directory, or (--aws) a deployed stack. */
const dataDirOption = () => new Option('--data-dir <dir>', 'where the state is kept').default('.recallguard');
const awsOption = () =>
  new Option(
    '--aws <outputs-file>',
    'work on the deployed stack instead (the file npx cdk deploy --outputs-file wrote; AWS credentials and region from the environment)',
  );

/** The artifact a cloud team ships, rehearsed: a cloud assembly `npx cdk synth -o DIR` wrote, deployed as `cdk deploy --app DIR` deploys it. */
const appOption = () => new Option('--app <dir>', 'deploy this synthesized cloud assembly (npx cdk synth -o DIR) instead of synthesizing the app');

const parseFaultsOption = (value: string): FaultSpec => {
  try {
    return parseFaults(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

const program = new Command('recallguard').description('Keeps recalled products off online marketplaces.').showHelpAfterError();

program
  .command('start')
  .description('run the whole system locally with sample marketplaces and real recalls; stays up')
  .option('--recalls <file>', 'CPSC Recalls API records to ingest (JSON array) instead of the samples')
  .option('--marketplaces <file>', 'marketplaces to seed (JSON array) instead of the samples')
  .option('--speed <factor>', 'how much faster than real time virtual time runs', positive, 600)
  .option('--inbox-port <port>', 'port of the local SES and its inbox', port, 8005)
  .option('--respond-port <port>', 'port of the response pages', port, 8010)
  .option('--idp-port <port>', 'port of the local identity provider the staff console signs in with', port, 8015)
  .option('--json', 'print one line of JSON with the URLs once everything is up')
  .option('--data-dir <dir>', 'keep the tables and ended histories here across runs (default: in memory)')
  .option('--logs', "print the functions' JSON log lines as they come")
  .addOption(appOption())
  .action(
    async (options: {
      recalls?: string;
      marketplaces?: string;
      speed: number;
      inboxPort: number;
      respondPort: number;
      idpPort: number;
      json?: boolean;
      dataDir?: string;
      logs?: boolean;
      app?: string;
    }) => {
      const { start } = await import('./start.ts');
      const cloud = await start({ ...options, json: Boolean(options.json) });
      const stop = () => void cloud.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );

program
  .command('simulate')
  .description('run recalls, marketplaces and scripted answers through the whole system in virtual time')
  .requiredOption('--recalls <file>', 'CPSC Recalls API records (JSON array), ingested at the start')
  .requiredOption('--marketplaces <file>', 'the marketplaces (JSON array)')
  .option('--responses <file>', 'scripted answers: [{"recallNumber", "marketplaceId", "action", "at"}]')
  .option('--start <iso>', 'when virtual time starts (default: now)')
  .option('--until <iso>', 'stop virtual time here, with the workflows where they stand (default: run every one to its end)')
  .option(
    '--faults <spec>',
    'inject transient faults: a rate for all (0.1), or dynamodb=R,ses=R,crash-before=R,crash-after=R,crash-between=R,callback=R,seed=N',
    parseFaultsOption,
  )
  .option('--json', 'print exactly one JSON object: {"cases": [...]}')
  .option('--data-dir <dir>', 'where the final state is kept', '.recallguard')
  .addOption(appOption())
  .action(
    async (options: {
      recalls: string;
      marketplaces: string;
      responses?: string;
      start?: string;
      until?: string;
      faults?: FaultSpec;
      json?: boolean;
      dataDir: string;
      app?: string;
    }) => {
      const { printReports, simulate } = await import('./simulate.ts');
      const reports = await simulate({ ...options, json: Boolean(options.json) });
      if (options.json) process.stdout.write(`${JSON.stringify({ cases: reports })}\n`);
      else printReports(reports);
    },
  );

const isoDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('give a date as YYYY-MM-DD');
  return value;
};

program
  .command('ingest')
  .description('ingest recalls from a file (the CPSC API JSON or the cpsc.gov CSV export), or pull them from the CPSC API')
  .option('--file <file>', 'the file to ingest')
  .option('--since <date>', 'pull recalls published since this date (YYYY-MM-DD)', isoDate)
  .option('--until <date>', 'and until this date (default: today)', isoDate)
  .option('--api-url <url>', 'the Recalls API to pull from (default: the CPSC one)')
  .option('--json', 'print exactly one JSON object')
  .option('--data-dir <dir>', 'where the state is kept', '.recallguard')
  .action(async (options: { file?: string; since?: string; until?: string; apiUrl?: string; json?: boolean; dataDir: string }) => {
    if (Boolean(options.file) === Boolean(options.since)) throw new Error('give either --file F or --since DATE');
    const { ingestFile, ingestFromApi } = await import('./ingest.ts');
    if (options.file) {
      const summary = await ingestFile(options.file, options.dataDir);
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        console.log(
          `${summary.received} received: ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.quarantined.length} quarantined.`,
        );
        for (const q of summary.quarantined) console.log(`  record ${q.index}${q.recallNumber ? ` (${q.recallNumber})` : ''}: ${q.reason}`);
      }
      return;
    }
    const result = await ingestFromApi({ since: options.since!, until: options.until, apiUrl: options.apiUrl, dataDir: options.dataDir });
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      for (const w of result.windows)
        console.log(
          `${w.window.start}..${w.window.end}: ${w.received} received, ${w.inserted} inserted, ${w.updated} updated, ${w.unchanged} unchanged, ${w.quarantined} quarantined`,
        );
  });

program
  .command('identifiers')
  .description('what the notices of each recall of a CPSC file offer to search by (models, brands, UPCs, where it was sold), before they go out')
  .requiredOption('--file <file>', 'the CPSC Recalls API JSON or the cpsc.gov CSV export')
  .option('--json', 'print exactly one JSON object')
  .action(async (options: { file: string; json?: boolean }) => {
    const { identifiersOfFile, printIdentifiers } = await import('./identifiers.ts');
    const found = await identifiersOfFile(options.file);
    if (options.json) process.stdout.write(`${JSON.stringify(found.report)}\n`);
    else printIdentifiers(found);
  });

const marketplaces = program.command('marketplaces').description('the marketplaces notices go to');
marketplaces
  .command('import <file>')
  .description('validate a marketplaces file and store it (errors name the entry, the field and the reason)')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (file: string, options: { dataDir: string; aws?: string }) => {
    const stored = await importMarketplaces(await readJsonFile(file, 'marketplaces'), sourceOf(options));
    console.log(`${stored.length} marketplaces stored: ${stored.map((m) => `${m.id} (${m.active ? 'active' : 'inactive'})`).join(', ')}`);
  });

marketplaces
  .command('key <marketplace>')
  .description("issue an API key for a marketplace's bulk answers (shown once; only its hash is kept)")
  .addOption(dataDirOption())
  .addOption(awsOption())
  .option('--json', 'print exactly one JSON object: {"marketplaceId", "keyId", "key"}')
  .action(async (marketplaceId: string, options: { dataDir: string; aws?: string; json?: boolean }) => {
    const issued = await issueKey(marketplaceId, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(issued)}\n`);
    else console.log(`API key ${issued.keyId} for ${marketplaceId} (send it as the x-api-key header; it is not shown again):\n${issued.key}`);
  });

marketplaces
  .command('revoke-key <keyId>')
  .description('revoke an API key at once')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (keyId: string, options: { dataDir: string; aws?: string }) => {
    const revoked = await revokeKey(keyId, sourceOf(options));
    console.log(`API key ${keyId} of ${revoked.marketplaceId} is revoked (${revoked.revokedAt}).`);
  });

program
  .command('staff')
  .description("the staff console's users")
  .command('end-sessions <email>')
  .description("end every console session of the person with this email: they must sign in again (an administrator's step, audited)")
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (email: string, options: { dataDir: string; aws?: string }) => {
    const { ended, people } = await endSessions(email, sourceOf(options));
    console.log(people.length ? `${ended} session(s) of ${people.join(', ')} ended: they must sign in again.` : `${email} has no console session to end.`);
  });

program
  .command('history <case>')
  .description("a case's audit log and its Step Functions execution history (read through the Step Functions API)")
  .option('--json', 'print exactly one JSON object: {"caseId", "status", "executionArn", "audit", "execution"}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (caseId: string, options: { json?: boolean; dataDir: string; aws?: string }) => {
    const history = await caseHistory(caseId, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(history)}\n`);
    else printHistory(history);
  });

program
  .command('cases')
  .description('the cases, optionally of one status and one marketplace')
  .option('--status <status>', 'only cases in this status (NOTIFIED, OVERDUE, BLOCKED...)')
  .option('--marketplace <id>', "only this marketplace's cases")
  .option('--json', 'print exactly one JSON object: {"cases": [...]}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (options: { status?: string; marketplace?: string; json?: boolean; dataDir: string; aws?: string }) => {
    const cases = await listCases(options, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify({ cases })}\n`);
    else printCases(cases);
  });

program
  .command('report')
  .description('the scorecard of each marketplace: answered, on time, hours to answer, overdue now, expired, disputed')
  .option('--since <date>', 'cases notified on or after this date (YYYY-MM-DD, agency time)', isoDate)
  .option('--until <date>', 'and on or before this date', isoDate)
  .option('--json', 'print exactly one JSON object: {"marketplaces": [...]}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (options: { since?: string; until?: string; json?: boolean; dataDir: string; aws?: string }) => {
    const result = await report(options, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printReport(result);
  });

program
  .command('digest')
  .description("build today's staff digest now and email it to staff: overdue, due today, decisions waiting, bounced notices")
  .option('--json', 'print exactly one JSON object: {"sent", "messageId", "digest"}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (options: { json?: boolean; dataDir: string; aws?: string }) => {
    const result = await digestNow(sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printDigest(result);
  });

program
  .command('link <case>')
  .description(
    "email the case's marketplace a new response link (valid for linkValidityDays from now, and past the case's expiry); through the IAM-authorized API route, so the audit log names your IAM identity",
  )
  .option('--json', 'print exactly one JSON object: {"ok", "sentTo", "expiresAt", "messageId"}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (caseId: string, options: { json?: boolean; dataDir: string; aws?: string }) => {
    const result = await reissue(caseId, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(`A new link for case ${caseId} went to ${result.sentTo.join(', ')}; it is valid until ${result.expiresAt}.`);
  });

program
  .command('decide <case>')
  .description(
    'decide a disputed, extension-requested or expired case: the workflow waiting for it carries it out; through the IAM-authorized API route, so the case and its audit log name your IAM identity',
  )
  .requiredOption('--decision <decision>', 'uphold_dispute, reject_dispute, grant_extension, refuse_extension or close')
  .option('--reason <text>', 'why (needed by every decision but grant_extension)')
  .option('--date <YYYY-MM-DD>', 'grant_extension: the new deadline')
  .option('--json', 'print exactly one JSON object: {"ok", "status", "delivery"}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (caseId: string, options: { decision: string; reason?: string; date?: string; json?: boolean; dataDir: string; aws?: string }) => {
    const result = await decide(caseId, options, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(`Case ${caseId}: ${options.decision.replace(/_/g, ' ')} recorded; the case is ${result.status}.`);
  });

program
  .command('relisted <case>')
  .description(
    'report a listing of a blocked case seen live again: the case becomes RELISTED and its marketplace gets a new notice and ladder; through the IAM-authorized API route, so the audit log names your IAM identity',
  )
  .requiredOption('--listing <url>', 'the listing seen live')
  .option('--seen-at <iso>', 'when it was seen (ISO 8601); now when left out')
  .option('--json', 'print exactly one JSON object: {"ok", "caseId", "status", "relisting", "executionArn", "repeated"}')
  .addOption(dataDirOption())
  .addOption(awsOption())
  .action(async (caseId: string, options: { listing: string; seenAt?: string; json?: boolean; dataDir: string; aws?: string }) => {
    const result = await reportRelisted(caseId, { listing: options.listing, seenAt: options.seenAt }, sourceOf(options));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(`Case ${caseId} is RELISTED (relisting ${result.relisting}); the relisted notice goes out in ${result.executionArn}.`);
  });

program
  .command('synth')
  .description('write the CloudFormation template (the same as npx cdk synth)')
  .option('-o, --output <file>', 'write the template to this file instead of stdout')
  .action(async (options: { output?: string }) => {
    const { buildApp } = await import('../app.ts');
    const { app } = buildApp({ outdir: 'cdk.out' });
    const template = JSON.stringify(app.synth().getStackByName(STACK_NAME).template, null, 1);
    if (options.output) await writeFile(options.output, `${template}\n`);
    else process.stdout.write(`${template}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`recallguard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
