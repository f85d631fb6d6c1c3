import { caseIdOf } from '#shared/case.ts';
import { now } from '#shared/clock.ts';
import type { MarketplaceStore } from '#shared/store/marketplace-store.ts';
import type { RecallStore } from '#shared/store/recall-store.ts';
import type { SendSlots } from '#shared/store/send-slots.ts';

export interface PlanInput {
  recallNumber: string;
}

export interface PlannedCase {
  caseId: string;
  recallNumber: string;
  marketplaceId: string;
  /** When its notice may go out: SES's sending rate shared by every notice (ISO instant). */
  sendAt: string;
}

/**
 * One case per active marketplace (the case id doubles as its execution name), each with the
 * send slot its notice waits for, so that a burst of recalls stays within SES's sending rate.
 */
export async function planCases(
  input: PlanInput,
  deps: { recalls: RecallStore; marketplaces: MarketplaceStore; sendSlots: SendSlots },
): Promise<{ cases: PlannedCase[] }> {
  if (!(await deps.recalls.get(input.recallNumber))) throw new Error(`recall ${input.recallNumber} is not stored; ingest it before starting its cases`);
  const marketplaces = await deps.marketplaces.listActive();
  const slots = await deps.sendSlots.reserve(marketplaces.length, now());
  return {
    cases: marketplaces.map((m, i) => ({
      caseId: caseIdOf(input.recallNumber, m.id),
      recallNumber: input.recallNumber,
      marketplaceId: m.id,
      sendAt: slots[i]!.toISOString(),
    })),
  };
}
