import { bundlesBenchmark } from './bundles.ts';
import { faultsBenchmark } from './faults.ts';
import { identifiersBenchmark, KINDS } from './identifiers.ts';
import { ingestBenchmark } from './ingest.ts';
import { workflowBenchmark } from './workflow.ts';

// The benchmarks run on the developer's Node; the deployed functions run on Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const json = process.argv.includes('--json');
const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1];
const number = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

const found = only && only !== 'identifiers' ? undefined : identifiersBenchmark();
const ingest = only && only !== 'ingest' ? undefined : await ingestBenchmark(number('ingest-records', 10_000));
const workflow = only && only !== 'workflow' ? undefined : await workflowBenchmark(number('recalls', 1000), 5);
const bundles = only && only !== 'bundles' ? undefined : await bundlesBenchmark(number('runs', 20));
const faults = only && only !== 'faults' ? undefined : await faultsBenchmark(number('fault-recalls', 200), 5, number('fault-rate', 0.1));

if (json) {
  const identifiers = found && {
    ...Object.fromEntries(
      KINDS.map((k) => [k, { precision: found.all[k].precision, recall: found.all[k].recall, missed: found.all[k].missed, extra: found.all[k].extra }]),
    ),
    records: found.records,
    msPerRecord: found.msPerRecord,
    hostile: found.hostile,
    development: {
      records: found.development.records,
      ...Object.fromEntries(KINDS.map((k) => [k, { precision: found.development[k].precision, recall: found.development[k].recall }])),
    },
    heldOut: {
      records: found.heldOut.records,
      ...Object.fromEntries(KINDS.map((k) => [k, { precision: found.heldOut[k].precision, recall: found.heldOut[k].recall }])),
    },
  };
  process.stdout.write(
    `${JSON.stringify({ identifiers, ingest, workflow, bundles: bundles?.bundles, baselineImportMs: bundles?.baselineImportMs, faults })}\n`,
  );
} else {
  if (found) {
    console.log('identifiers: %d hand-labelled CPSC records (%s ms a record)', found.records, found.msPerRecord);
    console.log(
      '  %s %s %s %s',
      'kind'.padEnd(14),
      'all'.padStart(16),
      `written on (${found.development.records})`.padStart(18),
      `held out (${found.heldOut.records})`.padStart(18),
    );
    const pr = (s: { precision: number; recall: number }) => `P ${s.precision}% R ${s.recall}%`;
    for (const k of KINDS)
      console.log('  %s %s %s %s', k.padEnd(14), pr(found.all[k]).padStart(16), pr(found.development[k]).padStart(18), pr(found.heldOut[k]).padStart(18));
    console.log('  targets: models and UPCs at least 95% each way, brands and marketplaces at least 90%');
    console.log('  hostile records: %d, the slowest (%s) %s ms', found.hostile.records, found.hostile.slowest, found.hostile.slowestMs);
    for (const k of KINDS) {
      if (found.all[k].missed.length) console.log('  missed %s: %s', k, found.all[k].missed.join(', '));
      if (found.all[k].extra.length) console.log('  not labelled %s: %s', k, found.all[k].extra.join(', '));
    }
  }
  if (ingest) {
    console.log('ingest: %d recalls (from the CPSC catalogue index)', ingest.records);
    console.log('  batched          %d records/s', ingest.recordsPerSecond);
    console.log('  naive PutItem    %d records/s', ingest.naiveRecordsPerSecond);
    console.log('  ratio            %dx (target: at least 5x)', ingest.ratio);
    console.log('  re-ingest        %dx faster than the first ingest (target: at least 10x)', ingest.reingestRatio);
  }
  if (workflow) {
    console.log('workflow: %d recalls x %d marketplaces = %d cases', workflow.recalls, workflow.marketplaces, workflow.cases);
    console.log('  wall time        %s s (target: under 60 s)', workflow.wallSeconds);
    console.log('  peak RSS         %d MB', workflow.peakRssMb);
    console.log('  transitions per case by path:');
    for (const [path, n] of Object.entries(workflow.transitionsPerCase)) console.log('    %s %d', path.padEnd(14), n);
    console.log(
      '  statuses         %s',
      Object.entries(workflow.statuses)
        .map(([s, n]) => `${s} ${n}`)
        .join(', '),
    );
    console.log('  cost per 1,000 cases      $%s (polling hourly until answered: $%s)', workflow.costPer1000CasesUsd, workflow.pollingCostPer1000CasesUsd);
    console.log(
      '  the same, on-time cases   $%s (polling: $%s, %sx; target: at least 15x)',
      workflow.onTimeCostPer1000CasesUsd,
      workflow.onTimePollingCostPer1000CasesUsd,
      Math.round((workflow.onTimePollingCostPer1000CasesUsd / workflow.onTimeCostPer1000CasesUsd) * 10) / 10,
    );
    console.log(
      '  per case         %s',
      Object.entries(workflow.usagePerCase)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    );
    console.log('  notices          at most %d a second (SES rate: 14), spread over %d s', workflow.maxNoticesPerSecond, workflow.noticeSpreadSeconds);
    const { iam } = workflow;
    console.log(
      '  IAM enforcement  %d calls authorized a case (a SigV4 check %d ms each); %d policy evaluations in all (%d a case), %d ms each; %d denied (target: 0)',
      iam.authorizationsPerCase,
      iam.msPerSignatureCheck,
      iam.evaluations,
      iam.evaluationsPerCase,
      iam.msPerEvaluation,
      iam.denials,
    );
    console.log('  stay-down paths (on-time cases of the marketplace with checks at 20 and 60 working days):');
    for (const [path, s] of Object.entries(workflow.staydown)) {
      console.log(
        '    %s %d cases: case workflow %d + stay-down %d transitions, %d emails, $%s per 1,000 cases',
        path.padEnd(18),
        s.cases,
        s.caseTransitions,
        s.staydownTransitions,
        s.emails,
        s.costPer1000CasesUsd,
      );
    }
  }
  if (faults) {
    console.log(
      'faults: %d cases with every fault at %d%% (%s)',
      faults.cases,
      faults.rate * 100,
      Object.entries(faults.injected)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    );
    console.log(
      '  lost answers %d, duplicate notices %d, status mismatches %d, audit mismatches %d, calls denied %d (target: 0 each); %s s',
      faults.lost,
      faults.duplicateNotices,
      faults.statusMismatches,
      faults.auditMismatches,
      faults.denials,
      faults.wallSeconds,
    );
    console.log(
      '  function timeouts (real time, under load): %s',
      Object.entries(faults.lambdaTimeouts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
    );
    for (const example of faults.examples) console.log('    %s', example);
  }
  if (bundles) {
    console.log('bundles: cold import, median of %d fresh Node processes (hello-world bundle: %s ms)', bundles.runs, bundles.baselineImportMs);
    console.log(
      '  %s %s %s %s %s',
      'function'.padEnd(16),
      'SDK bundled'.padStart(12),
      'import ms'.padStart(10),
      'SDK external'.padStart(13),
      'import ms'.padStart(10),
    );
    for (const b of bundles.bundles) {
      console.log(
        '  %s %s %s %s %s',
        b.function.padEnd(16),
        `${Math.round(b.bytes / 1024)} KB`.padStart(12),
        String(b.importMs).padStart(10),
        `${Math.round(b.externalSdkBytes / 1024)} KB`.padStart(13),
        String(b.externalSdkImportMs).padStart(10),
      );
    }
  }
}
