import type { LocalCloud } from '../local-cloud/local-cloud.ts';

/** A call the local cloud denies is one AWS would deny: a bug in the stack's grants, said on stderr the moment it happens. */
export function printDenials(cloud: LocalCloud): void {
  cloud.iam.onDenial((denial) => console.error(`[iam] denied: ${denial.message}`));
}
