import type { LocalCloud } from '#infra/local-cloud/local-cloud.ts';

/**
 * Staff decide cases at a virtual time through the staff-decision function; a staff member whose
 * click fails (a run with faults) clicks again, up to five times, then gives up (the run's
 * comparison shows the case that was never decided).
 */
export function decideAt(cloud: LocalCloud, at: string, decisions: [caseId: string, decision: Record<string, string>][], by = 'staff@agency.example'): void {
  const decide = async (caseId: string, decision: Record<string, string>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await cloud.invoke('staffDecision', { caseId, by, decision });
      } catch (error) {
        if (attempt === 5) throw error;
      }
    }
  };
  cloud.clock.setTimeout(
    () => {
      for (const [caseId, decision] of decisions) {
        void cloud.clock.track(
          decide(caseId, decision).catch((error: Error) => console.error(`[staff] the decision on ${caseId} failed five times: ${error.message}`)),
        );
      }
    },
    Date.parse(at) - cloud.clock.now(),
  );
}
