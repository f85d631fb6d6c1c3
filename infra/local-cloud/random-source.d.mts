/** A small seeded generator (mulberry32): the same seed draws the same numbers. */
export function randomSource(seed: number): () => number;
