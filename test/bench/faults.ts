import { parseFaults, type FaultCounts } from '#infra/local-cloud/faults.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { caseOutcomes, compareRuns, type CaseOutcome, type FaultRunComparison } from '#infra/simulate/outcomes.ts';
import { MIX_START, pathMix, runMix } from './workflow.ts';

export type FaultsResult = {
  rate: number;
  wallSeconds: number;
  injected: FaultCounts;
  lambdaTimeouts: Record<string, number>;
  denials: number;
} & FaultRunComparison;

async function runOnce(
  mix: ReturnType<typeof pathMix>,
  rate?: number,
): Promise<{ outcomes: CaseOutcome[]; injected: FaultCounts; lambdaTimeouts: Record<string, number>; denials: number }> {
  const cloud = await LocalCloud.start({ start: MIX_START, faults: rate ? parseFaults(String(rate)) : undefined });
  try {
    await runMix(cloud, mix);
    const names = new Map(Object.entries(cloud.functionNames).map(([role, name]) => [name, role]));
    const lambdaTimeouts = Object.fromEntries([...cloud.lambda.timeouts].map(([name, n]) => [names.get(name) ?? name, n]));
    return { outcomes: await caseOutcomes(cloud), injected: { ...cloud.faults.injected }, lambdaTimeouts, denials: cloud.iam.denials().length };
  } finally {
    await cloud.stop();
  }
}

/**
 * The benchmark's mix twice, without faults and with every fault at `rate` (DynamoDB, SES,
 * crashes before and after, callbacks): what the faulty run lost, sent twice or ended otherwise.
 */
export async function faultsBenchmark(recalls = 200, marketplaceCount = 5, rate = 0.1): Promise<FaultsResult> {
  const mix = pathMix(recalls, marketplaceCount);
  const clean = await runOnce(mix);
  const started = performance.now();
  const faulty = await runOnce(mix, rate);
  return {
    rate,
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
    injected: faulty.injected,
    lambdaTimeouts: faulty.lambdaTimeouts,
    denials: clean.denials + faulty.denials,
    ...compareRuns(clean.outcomes, faulty.outcomes),
  };
}
