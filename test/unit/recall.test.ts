import { describe, expect, it } from 'vitest';
import { InvalidRecallError, normalizeCpscRecord } from '#shared/recall.ts';
import { cpscRecords } from '../support/data.ts';

describe('the CPSC record normalizer', () => {
  it('takes every real record of the API samples', () => {
    const records = [...cpscRecords(), ...cpscRecords('recalls-2026h1-sample.json')];
    expect(records.length).toBeGreaterThan(9);
    for (const raw of records) {
      const recall = normalizeCpscRecord(raw);
      expect(recall.recallNumber).toMatch(/^\d{5,6}$/);
      expect(recall.recallDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(recall.title.length).toBeGreaterThan(0);
      expect(recall.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('normalizes a known record', () => {
    const recall = normalizeCpscRecord(cpscRecords().find((r) => r.RecallNumber === '26582'));
    expect(recall).toMatchObject({
      recallNumber: '26582',
      recallId: 10840,
      recallDate: '2026-06-25',
      lastPublishDate: '2026-06-30',
      products: [{ name: 'Treatlife Smoke and Carbon Monoxide (CO) Detectors', units: 'About 20' }],
      retailers: ['Online at Amazon.com from November 2025 through April 2026 for about $40.'],
      manufacturerCountries: ['China'],
    });
    expect(recall.images).toHaveLength(2);
  });

  it('gives the same hash to the same content and another to a change', () => {
    const raw = cpscRecords()[0]!;
    expect(normalizeCpscRecord(raw).contentHash).toBe(normalizeCpscRecord(structuredClone(raw)).contentHash);
    expect(normalizeCpscRecord({ ...raw, Title: `${raw.Title} (updated)` }).contentHash).not.toBe(normalizeCpscRecord(raw).contentHash);
  });

  it('decodes HTML entities and accepts both date forms', () => {
    const raw = { ...cpscRecords()[0]!, Title: 'Toys&nbsp;R&amp;Us &#8220;Walker&#8221;', RecallDate: '2026-06-25' };
    const recall = normalizeCpscRecord(raw);
    expect(recall.title).toBe('Toys R&Us “Walker”');
    expect(recall.recallDate).toBe('2026-06-25');
  });

  it('refuses the error record the API answers with on failure', () => {
    const error = { RecallID: 0, RecallNumber: null, Title: 'Error retrieving Recalls: timeout', RecallDate: null };
    expect(() => normalizeCpscRecord(error)).toThrow(InvalidRecallError);
    expect(() => normalizeCpscRecord(error)).toThrow(/Error retrieving Recalls/);
  });

  it('says what is wrong with a bad record', () => {
    const raw = cpscRecords()[0]!;
    expect(() => normalizeCpscRecord({ ...raw, RecallDate: '25/06/2026' })).toThrow(/RecallDate must be YYYY-MM-DD/);
    expect(() => normalizeCpscRecord({ ...raw, RecallDate: '2026-02-30' })).toThrow(/not a real date/);
    expect(() => normalizeCpscRecord({ ...raw, RecallNumber: 'abc' })).toThrow(/RecallNumber/);
    expect(() => normalizeCpscRecord({ ...raw, RecallID: 'x' })).toThrow(/RecallID/);
    expect(() => normalizeCpscRecord('not a record')).toThrow(InvalidRecallError);
  });
});
