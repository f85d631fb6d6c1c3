import { afterEach, expect } from 'vitest';
import { deniedBeforeStop, startedClouds } from '#infra/local-cloud/started.ts';

// Every local cloud authorizes each call as AWS would: a denial in a test that did not ask for
// one (and take it, with cloud.iam.takeDenials()) is a missing grant, and fails the test.
afterEach(() => {
  const denials = [...deniedBeforeStop.splice(0), ...[...startedClouds].flatMap((cloud) => cloud.iam.takeDenials())];
  expect(
    denials.map((d) => d.message),
    'calls the local cloud denied, as AWS would',
  ).toEqual([]);
});
