import { describe, expect, it } from 'vitest';
import { parseFaults } from '#infra/local-cloud/faults.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { caseOutcomes, compareRuns, type CaseOutcome } from '#infra/simulate/outcomes.ts';
import { parseResponses, runSimulation } from '#infra/simulate/simulation.ts';
import { cpscRecords } from '../support/data.ts';
import { decideAt } from '../support/staff.ts';

const RECALLS = ['26582', '26580', '26607'];
const MARKETPLACES = ['prompt', 'tardy', 'silent', 'quarrel', 'stretch'].map((id) => ({ id, name: id.toUpperCase(), noticeEmails: [`safety@${id}.example`] }));
const RESPONSES = parseResponses(
  RECALLS.flatMap((recallNumber) => [
    { recallNumber, marketplaceId: 'prompt', action: 'blocked', at: '2026-03-02T16:00:00Z' },
    { recallNumber, marketplaceId: 'tardy', action: 'not_listed', at: '2026-03-06T15:00:00Z' },
    { recallNumber, marketplaceId: 'quarrel', action: 'dispute', at: '2026-03-03T15:00:00Z' },
    { recallNumber, marketplaceId: 'stretch', action: 'extension', at: '2026-03-03T15:00:00Z', requestedDate: '2026-03-20' },
  ]),
);

/** The same simulation, with or without faults; staff decide each dispute and extension on the Thursday. */
async function run(faults?: string): Promise<{ outcomes: CaseOutcome[]; injected: Record<string, number> }> {
  const cloud = await LocalCloud.start({ start: new Date('2026-03-02T14:00:00Z'), faults: faults ? parseFaults(faults) : undefined });
  try {
    decideAt(
      cloud,
      '2026-03-05T15:00:00Z',
      RECALLS.flatMap((recall): [string, Record<string, string>][] => [
        [`${recall}.quarrel`, { decision: 'reject_dispute', reason: 'The listings match.' }],
        [`${recall}.stretch`, { decision: 'grant_extension', until: '2026-03-20' }],
      ]),
    );
    await runSimulation(
      cloud,
      { recalls: cpscRecords().filter((r) => RECALLS.includes(String(r.RecallNumber))), marketplaces: MARKETPLACES, responses: RESPONSES },
      { warn: () => undefined },
    );
    return { outcomes: await caseOutcomes(cloud), injected: { ...cloud.faults.injected } };
  } finally {
    await cloud.stop();
  }
}

describe('transient faults', () => {
  it('lose nothing: every case ends as without faults, with one notice, every answer and the same audit log', { timeout: 300_000 }, async () => {
    const clean = await run();
    expect(clean.outcomes).toHaveLength(15);
    expect(Object.values(clean.injected).every((n) => n === 0)).toBe(true);
    const statuses: Record<string, number> = {};
    for (const o of clean.outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    expect(statuses).toEqual({ BLOCKED: 3, NOT_LISTED: 3, EXPIRED: 9 });

    // 10% of DynamoDB calls and SES sends fail, 10% of invocations crash before and 10% after running, half the callbacks fail once
    // (the run makes a dozen or so: at 10% some runs drew none).
    const faulty = await run('dynamodb=0.1,ses=0.1,crash-before=0.1,crash-after=0.1,callback=0.5,seed=11');
    for (const kind of ['dynamodb', 'ses', 'crashBefore', 'crashAfter', 'callback']) expect(faulty.injected[kind], kind).toBeGreaterThan(0);
    expect(compareRuns(clean.outcomes, faulty.outcomes)).toEqual({
      cases: 15,
      lost: 0,
      duplicateNotices: 0,
      statusMismatches: 0,
      auditMismatches: 0,
      examples: [],
    });
    expect(faulty.outcomes.every((o) => o.noticesDelivered === 1)).toBe(true);
  });
});
