import type { EndSessionsResult } from '#functions/marketplace-admin/staff-sessions.ts';
import type { DeploymentSource } from '../deployment/open.ts';
import { postAgencyRoute } from './agency-route.ts';

/**
 * `staff end-sessions`: every console session of the person with this email ends at once (through
 * the API's IAM-authorized route, audited under the caller's IAM principal in `staff-sessions`).
 */
export async function endSessions(email: string, source: DeploymentSource): Promise<{ ended: number; people: string[] }> {
  const { ended, people } = await postAgencyRoute<EndSessionsResult>(source, 'staff/sessions/end', { email }, 'no session was ended');
  return { ended, people };
}
