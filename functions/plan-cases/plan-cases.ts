import { caseIdOf } from '#shared/case.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';

export interface PlanInput {
  recallNumber: string;
}

export interface PlannedCase {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
}

/** One case per active marketplace; the case id doubles as its execution name. */
export async function planCases(input: PlanInput, deps: { recalls: RecallStore; marketplaces: MarketplaceStore }): Promise<{ cases: PlannedCase[] }> {
  if (!(await deps.recalls.get(input.recallNumber))) throw new Error(`recall ${input.recallNumber} is not stored; ingest it before starting its cases`);
  const marketplaces = await deps.marketplaces.listActive();
  return { cases: marketplaces.map((m) => ({ caseId: caseIdOf(input.recallNumber, m.id), recallNumber: input.recallNumber, marketplaceId: m.id })) };
}
