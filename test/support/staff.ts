import type { LocalCloud } from '#infra/local-cloud/local-cloud.ts';

/**
 * Staff decide cases at a virtual time through the staff-decision function's IAM-authorized route
 * (as the CLI's `decide` does); a decision whose request fails (a run with faults) is sent again,
 * up to five times, then given up (the run's comparison shows the case that was never decided).
 */
export function decideAt(cloud: LocalCloud, at: string, decisions: [caseId: string, decision: Record<string, string>][]): void {
  const decide = async (caseId: string, decision: Record<string, string>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await cloud.agencyApi('POST', `v1/agency/cases/${encodeURIComponent(caseId)}/decision`, decision);
        if (answer.status < 500) return answer.body;
        throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
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
