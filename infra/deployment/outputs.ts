import { readFile } from 'node:fs/promises';

/** The stack's name: `cdk deploy --outputs-file` writes its outputs under it. */
export const STACK_NAME = 'RecallGuard';

/** What the stack outputs for staff and operator tools. */
export const OUTPUT_NAMES = [
  'CasesTable',
  'AuditTable',
  'RecallsTable',
  'MarketplacesTable',
  'ApiKeysTable',
  'QuarantineTable',
  'BookkeepingTable',
  'SessionsTable',
  'CaseStateMachine',
  'RecallStateMachine',
  'StaffDecisionFunction',
  'StaffReportsFunction',
  'ReissueLinkFunction',
  'ReportRelistingFunction',
  'RelistingRouteArn',
  'DecisionRouteArn',
  'LinkRouteArn',
  'MarketplacesRouteArn',
  'StaydownStateMachine',
  'ResponseApiUrl',
  'CallerAudience',
  'ConsoleUrl',
  'StaffUserPool',
  'SenderIdentity',
  'DefaultPolicy',
  'ClosureDays',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];
export type StackOutputs = Record<OutputName, string>;

/** The outputs `cdk deploy --outputs-file F` wrote (and the local cloud writes to its data directory, in the same form). */
export async function readOutputsFile(file: string): Promise<Partial<StackOutputs>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the stack outputs file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch (error) {
    throw new Error(`the stack outputs file ${file} is not JSON: ${(error as Error).message}`);
  }
  const stack = (outputs as Record<string, unknown> | null)?.[STACK_NAME];
  if (!stack || typeof stack !== 'object') return {};
  return Object.fromEntries(Object.entries(stack).filter(([name, value]) => (OUTPUT_NAMES as readonly string[]).includes(name) && typeof value === 'string'));
}

/** Checks that outputs hold what a command needs; the error names the file and what it lacks. */
export function requireOutputs(outputs: Partial<StackOutputs>, needs: readonly OutputName[], file: string): void {
  const missing = needs.filter((name) => !outputs[name]);
  if (missing.length) {
    throw new Error(`${file} has no ${missing.map((name) => `${STACK_NAME}.${name}`).join(' and ')}: write it with npx cdk deploy --outputs-file ${file}`);
  }
}
