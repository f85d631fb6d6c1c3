import type { DigestResult } from '#functions/staff-reports/staff-reports.ts';
import { LocalCloud } from '../local-cloud/local-cloud.ts';

/** The function's result, with the email as the local SES took it. */
export type DigestNow = DigestResult & { to?: string[]; text?: string };

/**
 * Today's digest over a data directory, at the virtual time its last run stopped: the deployed
 * staff-reports function builds it and sends it through the local SES, as the morning schedule
 * does (a closed day does not stop it: it was asked for).
 */
export async function digestNow(dataDir: string): Promise<DigestNow> {
  const cloud = await LocalCloud.start({ dataDir, deployTimeWrites: false });
  try {
    const result = (await cloud.invoke('staffReports', { report: 'digest', force: true })) as DigestResult;
    const email = result.messageId ? (await cloud.emails()).find((m) => m.messageId === result.messageId) : undefined;
    return { ...result, ...(email ? { to: email.destination.to, text: email.body.text } : {}) };
  } finally {
    await cloud.stop();
  }
}

export function printDigest(result: DigestNow): void {
  if (result.text) {
    console.log(result.text.trimEnd());
    console.log(`\n(sent to staff through the local SES, message ${result.messageId})`);
  } else {
    console.log(`No digest sent: ${result.skipped}.`);
  }
}
