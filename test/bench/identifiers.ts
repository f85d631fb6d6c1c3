import { readFileSync } from 'node:fs';
import { identifierValues, recallIdentifiers } from '#shared/identifiers.ts';
import { normalizeCpscRecord } from '#shared/recall.ts';
import { HOSTILE_RECALLS } from '../support/hostile-recalls.ts';

const SAMPLE = new URL('../fixtures/cpsc/recalls-2026h1-sample.json', import.meta.url);
const LABELS = new URL('../fixtures/identifiers/labels.json', import.meta.url);
export const KINDS = ['models', 'brands', 'upcs', 'marketplaces', 'modelPatterns', 'lots'] as const;
type Kind = (typeof KINDS)[number];

interface Labels {
  /** The records the extraction was written against. */
  records: Record<string, Record<Kind, string[]>>;
  /** Records labelled after it was written, and never used to change it: the honest figure. */
  heldOut: Record<string, Record<Kind, string[]>>;
}

/** The rules' comparison: case, spaces and ™ ® © ignored. */
const key = (value: string) => value.toLowerCase().replace(/[\s™®©]/g, '');

export interface KindScore {
  precision: number;
  recall: number;
  labelled: number;
  extracted: number;
  /** Labelled and not found, as "recall: value". */
  missed: string[];
  /** Found and not labelled. */
  extra: string[];
}

const pct = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 10 : 100);

type Labelled = Record<string, Record<Kind, string[]>>;

function score(labels: Labelled, sample: { RecallNumber: string }[]): Record<Kind, KindScore> {
  const counts = Object.fromEntries(KINDS.map((k) => [k, { hit: 0, labelled: 0, extracted: 0, missed: [] as string[], extra: [] as string[] }]));
  for (const raw of sample.filter((r) => Object.hasOwn(labels, r.RecallNumber))) {
    const recall = normalizeCpscRecord(raw);
    const got = identifierValues(recallIdentifiers(recall));
    const want = labels[recall.recallNumber]!;
    for (const kind of KINDS) {
      const expected = new Set(want[kind].map(key));
      const extracted = new Set(got[kind].map(key));
      const c = counts[kind]!;
      c.labelled += expected.size;
      c.extracted += extracted.size;
      for (const v of expected) {
        if (extracted.has(v)) c.hit++;
        else c.missed.push(`${recall.recallNumber}: ${v}`);
      }
      for (const v of extracted) if (!expected.has(v)) c.extra.push(`${recall.recallNumber}: ${v}`);
    }
  }
  return Object.fromEntries(
    KINDS.map((k) => {
      const c = counts[k]!;
      return [
        k,
        { precision: pct(c.hit, c.extracted), recall: pct(c.hit, c.labelled), labelled: c.labelled, extracted: c.extracted, missed: c.missed, extra: c.extra },
      ];
    }),
  ) as Record<Kind, KindScore>;
}

export interface IdentifiersBenchmark {
  records: number;
  msPerRecord: number;
  /** Every labelled record. */
  all: Record<Kind, KindScore>;
  /** The records the rules were written against. */
  development: Record<Kind, KindScore> & { records: number };
  /** Records labelled after the rules were written, never used to change them. */
  heldOut: Record<Kind, KindScore> & { records: number };
  /** The slowest of the hostile records (test/support/hostile-recalls.ts), and its time. */
  hostile: { records: number; slowest: string; slowestMs: number };
}

/** Each hostile record's extraction, timed: the bound a feed can push a notice, a page or an API call to. */
function hostileTimes(): IdentifiersBenchmark['hostile'] {
  let slowest = { name: '', ms: 0 };
  for (const [name, fields] of Object.entries(HOSTILE_RECALLS)) {
    const recall = normalizeCpscRecord({
      RecallID: 1,
      RecallNumber: '26999',
      RecallDate: '2026-01-01',
      Title: 'Widgets Recalled Due to Fire Hazard',
      ...fields,
    });
    const started = performance.now();
    recallIdentifiers(recall);
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { name, ms };
  }
  return { records: Object.keys(HOSTILE_RECALLS).length, slowest: slowest.name, slowestMs: Math.round(slowest.ms * 10) / 10 };
}

/** Extraction against the hand-labelled records: precision and recall per kind, with what it misses. */
export function identifiersBenchmark(): IdentifiersBenchmark {
  const labels = JSON.parse(readFileSync(LABELS, 'utf8')) as Labels;
  const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { RecallNumber: string }[];
  const started = performance.now();
  const all = score({ ...labels.records, ...labels.heldOut }, sample);
  const records = Object.keys(labels.records).length + Object.keys(labels.heldOut).length;
  const msPerRecord = Math.round(((performance.now() - started) / records) * 100) / 100;
  return {
    records,
    msPerRecord,
    all,
    development: { ...score(labels.records, sample), records: Object.keys(labels.records).length },
    heldOut: { ...score(labels.heldOut, sample), records: Object.keys(labels.heldOut).length },
    hostile: hostileTimes(),
  };
}
