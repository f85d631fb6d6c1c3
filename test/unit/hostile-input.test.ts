import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerSchema, attestationSchema } from '#shared/case.ts';
import { decodeEntities, escapeHtml } from '#shared/html.ts';
import { InvalidRecallError, normalizeCpscRecord } from '#shared/recall.ts';
import { cpscRecords } from '../support/data.ts';

const HOSTILE = new URL('../fixtures/hostile/', import.meta.url);
interface Entry {
  name: string;
  error?: string;
  accepted?: Record<string, unknown>;
  json?: string;
}
const load = <T>(file: string) => JSON.parse(readFileSync(new URL(file, HOSTILE), 'utf8')) as T[];
const base = cpscRecords().find((r) => r.RecallNumber === '26582')!;

/** Large values are built here rather than stored in the corpus. */
const EXPANSIONS: Record<string, string> = {
  '@@MANY_LISTINGS@@': Array.from({ length: 10_001 }, (_, i) => `L${i}`).join('\n'),
  '@@LONG_LISTING@@': 'x'.repeat(2001),
  '@@LONG_REASON@@': 'x'.repeat(5001),
};

describe('the hostile recall corpus (test/fixtures/hostile/recalls.json)', () => {
  for (const entry of load<Entry & { record?: unknown; override?: Record<string, unknown> }>('recalls.json')) {
    it(entry.name, () => {
      const raw = entry.json ? { ...base, ...JSON.parse(entry.json) } : 'record' in entry ? entry.record : { ...base, ...entry.override };
      if (entry.error) {
        expect(() => normalizeCpscRecord(raw)).toThrow(InvalidRecallError);
        expect(() => normalizeCpscRecord(raw)).toThrow(entry.error);
      } else {
        expect(normalizeCpscRecord(raw)).toMatchObject(entry.accepted!);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

/** Each entry of an answer corpus: refused with its error, or accepted as given. */
function answerCorpus(file: string, schema: typeof answerSchema | typeof attestationSchema): void {
  for (const entry of load<Entry & { form?: Record<string, string> }>(file)) {
    it(entry.name, () => {
      const form = entry.json
        ? (JSON.parse(entry.json) as Record<string, string>)
        : Object.fromEntries(Object.entries(entry.form!).map(([k, v]) => [k, EXPANSIONS[v] ?? v]));
      const result = schema.safeParse(form);
      if (entry.error) {
        expect(result.success).toBe(false);
        const issue = result.error!.issues[0]!;
        expect(`${issue.path.join('.')}: ${issue.message}`).toBe(entry.error);
      } else {
        expect(result.success && result.data).toEqual(entry.accepted);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
}

describe('the hostile answer corpus (test/fixtures/hostile/answers.json)', () => answerCorpus('answers.json', answerSchema));
describe('the hostile stay-down answer corpus (test/fixtures/hostile/attestations.json)', () => answerCorpus('attestations.json', attestationSchema));

describe('properties', () => {
  it('the recall parser takes any JSON: a recall or an InvalidRecallError, nothing else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          normalizeCpscRecord(value);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidRecallError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('the recall parser normalizes any text: titles trimmed and single-spaced, numbers digits only, the hash stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string(), fc.stringMatching(/^\d{2}-?\d{3,4}$/), (title, description, number) => {
        const raw = { ...base, Title: title, Description: description, RecallNumber: number };
        let recall;
        try {
          recall = normalizeCpscRecord(raw);
        } catch (error) {
          expect((error as Error).message).toBe('Title is empty');
          return;
        }
        expect(recall.title).toBe(recall.title.trim());
        expect(recall.title).not.toMatch(/\s{2}/);
        expect(recall.recallNumber).toMatch(/^\d{5,6}$/);
        expect(normalizeCpscRecord(raw).contentHash).toBe(recall.contentHash);
      }),
    );
  });

  it('the answer form takes any fields: an answer of a known kind, or an issue that names its field', () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('blocked', 'not_listed', 'dispute', 'extension', '2026-03-02T10:00', '2026-12-01', '1', '0', '-1'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('answer', 'listings', 'count', 'blockedAt', 'reason', 'requestedDate', 'other'), field), (form) => {
        const result = answerSchema.safeParse(form);
        if (result.success) expect(['blocked', 'not_listed', 'dispute', 'extension']).toContain(result.data.answer);
        else expect(result.error.issues[0]!.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('a valid blocked answer keeps every listing, trimmed, and its instant', () => {
    const listing = fc.string({ minLength: 1, maxLength: 200 }).filter((s) => !/[\r\n]/.test(s) && s.trim().length > 0);
    fc.assert(
      fc.property(
        fc.array(listing, { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        (lines, count, at) => {
          const result = answerSchema.parse({ answer: 'blocked', listings: lines.join('\n'), count: String(count), blockedAt: at.toISOString() });
          expect(result).toEqual({ answer: 'blocked', listings: lines.map((l) => l.trim()), count, blockedAt: at.toISOString() });
        },
      ),
    );
  });

  it('escaping leaves no markup and reads back as the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(decodeEntities(escaped)).toBe(text);
      }),
    );
  });

  it('entity names and answer kinds named after prototype properties are text, never a lookup', () => {
    const prototypeName = fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), 'prototype');
    fc.assert(
      fc.property(prototypeName, fc.string({ unit: 'grapheme', maxLength: 20 }), (name, before) => {
        expect(decodeEntities(`${escapeHtml(before)}&${name};`)).toBe(`${before}&${name};`);
        expect(answerSchema.safeParse({ answer: name }).success).toBe(false);
      }),
    );
  });
});
