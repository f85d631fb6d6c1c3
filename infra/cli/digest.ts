import type { DigestResult } from '#functions/staff-reports/staff-reports.ts';
import { withDeployment, type DeploymentSource } from '../deployment/open.ts';

/** The function's result, with the email as the local SES took it (AWS keeps no copy to read). */
export type DigestNow = DigestResult & { to?: string[]; text?: string };

/**
 * Today's digest, built and sent by the deployed staff-reports function as the morning schedule
 * does (a closed day does not stop it: it was asked for): locally at the virtual time the data
 * directory's last run stopped, through the local SES; in AWS, now, through SES.
 */
export async function digestNow(source: DeploymentSource): Promise<DigestNow> {
  return withDeployment(source, { outputs: ['StaffReportsFunction'], functions: true }, async (deployment) => {
    const result = (await deployment.invoke('staffReports', { report: 'digest', force: true })) as DigestResult;
    const email = result.messageId && deployment.emails ? (await deployment.emails()).find((m) => m.messageId === result.messageId) : undefined;
    return { ...result, ...(email ? { to: email.destination.to, text: email.body.text } : {}) };
  });
}

export function printDigest(result: DigestNow): void {
  if (result.text) {
    console.log(result.text.trimEnd());
    console.log(`\n(sent to staff through the local SES, message ${result.messageId})`);
  } else if (result.sent && result.digest) {
    const { overdue, dueToday, awaitingDecision, bouncedNotices } = result.digest.counts;
    const counts = `${overdue} overdue, ${dueToday} due today, ${awaitingDecision} waiting for a decision, ${bouncedNotices} notices bounced`;
    console.log(`Digest sent to staff through SES (message ${result.messageId}): ${counts}.`);
  } else {
    console.log(`No digest sent: ${result.skipped}.`);
  }
}
