import type { Denial } from './iam/local-iam.ts';

/**
 * The local clouds of this process not stopped yet, for checks that read their denials (a test's
 * afterEach). A module of its own, light to import: it brings in nothing of the local cloud.
 */
export const startedClouds = new Set<{ iam: { takeDenials(): Denial[] } }>();

/** The denials clouds had not given up when they stopped, so that a check after the stop still sees them. */
export const deniedBeforeStop: Denial[] = [];
