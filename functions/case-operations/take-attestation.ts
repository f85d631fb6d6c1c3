import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Attestation, CaseRecord, StaydownCheck } from '#shared/case.ts';
import { audited } from '#shared/case-rules.ts';
import { attestationReceived, openCheck, repeatedAttestation } from '#shared/staydown.ts';
import type { CaseStore } from '#shared/store/case-store.ts';
import { deliverAttestation } from './deliver.ts';

/**
 * Records the marketplace's answer to the open stay-down check with its audit entry in one
 * conditional write, and resumes the stay-down workflow waiting for it. The same answer again (a
 * retry after a failure) changes nothing, finishes what the first left undone (its audit entry,
 * the delivery) and answers as the first did. Throws AttestationRefused, with the reason and
 * nothing changed, when no check is open. The response page and the JSON API
 * both answer through it.
 */
export async function takeAttestation(
  record: CaseRecord,
  attestation: Attestation,
  at: Date,
  via: 'link' | 'api',
  deps: { cases: CaseStore; sfn: SFNClient },
): Promise<{ record: CaseRecord; check: StaydownCheck }> {
  let index = -1;
  const { record: updated } = await deps.cases.mutate(
    record.caseId,
    at,
    (current) => {
      const patch = attestationReceived(current, attestation, at);
      if (!patch) {
        index = repeatedAttestation(current, attestation)!.index;
        return undefined;
      }
      const open = openCheck(current)!;
      const check = open.check;
      index = open.index;
      const onTime = at.getTime() <= Date.parse(check.deadline!);
      return audited(patch, {
        actor: `marketplace:${current.marketplaceId}`,
        action: 'ATTESTATION_RECEIVED',
        detail: { via, attestation, onTime, period: check.period, afterWorkingDays: check.afterWorkingDays },
      });
    },
    record,
  );
  await deliverAttestation(updated, deps.sfn);
  return { record: updated, check: updated.staydown!.checks[index]! };
}
