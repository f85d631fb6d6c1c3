import { workflowBenchmark } from './workflow.ts';

// The benchmarks run on the developer's Node; the deployed functions run on Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const json = process.argv.includes('--json');
const sizeArg = process.argv.find((a) => a.startsWith('--recalls='));
const recalls = sizeArg ? Number(sizeArg.split('=')[1]) : 1000;

const workflow = await workflowBenchmark(recalls, 5);
if (json) {
  process.stdout.write(`${JSON.stringify({ workflow })}\n`);
} else {
  console.log('workflow: %d recalls x %d marketplaces = %d cases', workflow.recalls, workflow.marketplaces, workflow.cases);
  console.log('  wall time        %s s (target: under 60 s)', workflow.wallSeconds);
  console.log('  peak RSS         %d MB', workflow.peakRssMb);
  console.log('  transitions per case by path:');
  for (const [path, n] of Object.entries(workflow.transitionsPerCase)) console.log('    %s %d', path.padEnd(14), n);
  console.log('  statuses         %s', Object.entries(workflow.statuses).map(([s, n]) => `${s} ${n}`).join(', '));
}
