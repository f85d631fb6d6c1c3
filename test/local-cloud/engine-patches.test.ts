import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TIMEOUT_PATCHES } from '#infra/local-cloud/step-functions/engine.ts';

/** aws-local-stepfunctions as installed: the text the local cloud patches when it bundles the engine. */
const library = readFileSync(fileURLToPath(import.meta.resolve('aws-local-stepfunctions')), 'utf8');

describe('the source patches of aws-local-stepfunctions (TimeoutSecondsPath read from the state input, as in AWS)', () => {
  it('are two', () => {
    expect(TIMEOUT_PATCHES).toHaveLength(2);
  });

  for (const [index, [from, to]] of TIMEOUT_PATCHES.entries()) {
    it(`patch ${index + 1} finds its text exactly once in the installed library: "${from.slice(0, 60)}..."`, () => {
      const found = library.split(from).length - 1;
      // A new version of the library that moved this text needs the patch rewritten, or dropped if the library reads the state input itself.
      expect(found, `aws-local-stepfunctions changed: "${from}" appears ${found} times; the patch expects exactly 1`).toBe(1);
      expect(library.includes(to), `the library already contains the patched text "${to}"`).toBe(false);
    });
  }
});
