import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FUNCTION_ROLE_TAG } from '#infra/constructs/handler-function.ts';
import type { Template } from '#infra/local-cloud/template.ts';

const TEMPLATE = 'RecallGuard.template.json';

type Statement = { Action: string | string[]; Resource: unknown; Sid?: string };
type PolicyResource = { Type: string; Properties: { Roles?: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } };

/** A copy of a cloud assembly with its template changed by `edit`: the assets are the same (linked), only the template differs. */
export async function editedAssembly(base: string, into: string, edit: (template: Template) => void): Promise<string> {
  await mkdir(into, { recursive: true });
  for (const entry of await readdir(base)) if (entry !== TEMPLATE) await symlink(join(base, entry), join(into, entry));
  const template = JSON.parse(await readFile(join(base, TEMPLATE), 'utf8')) as Template;
  edit(template);
  await writeFile(join(into, TEMPLATE), JSON.stringify(template));
  return into;
}

/** The logical id of the function that has this role in the stack (its tag). */
export function functionId(template: Template, role: string): string {
  const found = Object.entries(template.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      ((r.Properties?.Tags ?? []) as { Key: string; Value: string }[]).some((t) => t.Key === FUNCTION_ROLE_TAG && t.Value === role),
  );
  if (!found) throw new Error(`no function tagged ${role}`);
  return found[0];
}

/** The logical id of that function's execution role. */
export function functionRole(template: Template, role: string): string {
  const fn = template.Resources[functionId(template, role)]!;
  return (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** The logical id of the role of the state machine whose name ends with `suffix` (`-case`, `-recall`...). */
export function stateMachineRole(template: Template, suffix: string): string {
  const machine = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine' && String(r.Properties?.StateMachineName ?? '').endsWith(suffix),
  );
  if (!machine) throw new Error(`no state machine named *${suffix}`);
  return (machine.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/**
 * Changes the statements of a role's policies that grant `action`: `change` returns the statement
 * to keep instead (undefined removes it). Throws if none grants it, so a test cannot pass by
 * changing nothing.
 */
export function changeGrant(template: Template, roleId: string, action: string, change: (statement: Statement) => Statement | undefined): void {
  let changed = 0;
  for (const resource of Object.values(template.Resources) as unknown as PolicyResource[]) {
    if (resource.Type !== 'AWS::IAM::Policy' || !resource.Properties.Roles?.some((r) => r.Ref === roleId)) continue;
    const document = resource.Properties.PolicyDocument;
    document.Statement = document.Statement.flatMap((statement) => {
      if (![statement.Action].flat().includes(action)) return [statement];
      changed++;
      const kept = change(statement);
      return kept ? [kept] : [];
    });
  }
  if (!changed) throw new Error(`no policy of ${roleId} grants ${action}`);
}
