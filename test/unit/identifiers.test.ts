import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noticeEmail } from '#shared/emails/case-emails.ts';
import { channelOf, identifierValues, NONE_PUBLISHED, recallIdentifiers, soldOn, validGtin } from '#shared/identifiers.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';
import { normalizeCpscRecord, type Recall } from '#shared/recall.ts';
import { DEFAULT_TRUSTED_HOSTS } from '#shared/trusted-links.ts';
import { cpscRecords } from '../support/data.ts';
import { HOSTILE_RECALLS } from '../support/hostile-recalls.ts';

const demo = JSON.parse(readFileSync(new URL('../../infra/demo/recalls.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
const honlyne = normalizeCpscRecord(demo.find((r) => r.RecallNumber === '26580'));
const [bigRiver, alimart] = parseMarketplaces([
  { id: 'bigriver', name: 'Big River', noticeEmails: ['safety@bigriver.example'], aliases: ['Amazon'] },
  { id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'], aliases: ['alimart.com'] },
]);

const notice = (recall: Recall, marketplace = alimart!) =>
  noticeEmail({
    authority: 'U.S. Consumer Product Safety Commission',
    caseId: `${recall.recallNumber}.${marketplace.id}`,
    recall,
    marketplace,
    link: 'https://respond.example/respond/x?sig=abc',
    deadline: new Date('2026-12-29T04:59:59Z'),
    trustedHosts: DEFAULT_TRUSTED_HOSTS,
  });

const record = (fields: Record<string, unknown>) =>
  normalizeCpscRecord({ RecallID: 1, RecallNumber: '26999', RecallDate: '2026-01-01', Title: 'Widgets Recalled Due to Fire Hazard', ...fields });

describe('the identifiers of a recall', () => {
  it('read recall 26580 as its listings show it: the model and brand printed on the box, the importer as the importer', () => {
    const ids = recallIdentifiers(honlyne);
    expect(identifierValues(ids)).toMatchObject({ models: ['HON-302HE'], brands: ['Honlyne'], marketplaces: ['amazon'] });
    expect(ids.models[0]).toMatchObject({ field: 'description' });
    expect(ids.models[0]!.context).toContain('"Mo. Number: HON-302HE" are printed on back of the product');
    expect(ids.companies).toEqual([
      { name: 'ABGA Advanced Trading Co., Ltd., of Walnut, California', role: 'importer' },
      { name: 'Huizhou Rongheng Network Technology, of China', role: 'distributor' },
    ]);
  });

  it('make the notice offer them, name the importer as such, and tell a marketplace aliased to Amazon it was sold there, first', () => {
    const { text } = notice(honlyne, bigRiver);
    expect(text).toMatch(/Search your platform for\n(- .*\n)*- Model HON-302HE \(description: ".*Mo\. Number: HON-302HE.*"\)\n/);
    expect(text).toMatch(/- Brand Honlyne \(description: ".*Brand: Honlyne.*"\)\n/);
    expect(text).toContain('- Importer: ABGA Advanced Trading Co., Ltd., of Walnut, California');
    expect(text).not.toMatch(/Brand ABGA/);
    const lines = text.split('\n').filter(Boolean);
    expect(lines[1]).toBe(
      'CPSC reports this product was sold on your platform: "Online at Amazon.com from June 2024 through December 2025 for about $49 per set." (retailers of the recall).',
    );
    expect(notice(honlyne).text).not.toContain('CPSC reports this product was sold');
  });

  it('say when a recall publishes no model and no UPC', () => {
    const plain = record({ Description: 'This recall involves blue widgets sold in sets of three.' });
    expect(notice(plain).text).toContain(`Note: ${NONE_PUBLISHED}`);
    expect(notice(honlyne).text).not.toContain(NONE_PUBLISHED);
  });

  it('keep lists, ranges and prefixes, UPCs with a valid check digit, ASINs and lots apart', () => {
    const ids = identifierValues(
      recallIdentifiers(
        record({
          Description:
            'This recall involves Acme-branded heaters, models 2512, 2513, and 2516, and model numbers 1001 through 1010, and models beginning with PB or AH. ' +
            'UPC 036000291452 and UPC 036000291453 are printed on the box. "B07GF8VD7N" appears on the back. Lot numbers 2403 and 2404 are recalled. ' +
            'They measure 12 inches by 2512 inches and cost $2516.',
          Retailers: [{ Name: 'Online at Amazon.com, Walmart.com and acme.com from May 2025 for about $40.' }, { Name: 'Target stores nationwide.' }],
        }),
      ),
    );
    expect(ids).toMatchObject({
      models: ['2512', '2513', '2516'],
      modelPatterns: ['1001 through 1010', 'PB*', 'AH*'],
      upcs: ['036000291452'],
      asins: ['B07GF8VD7N'],
      lots: ['2403', '2404'],
      brands: ['Acme'],
      marketplaces: ['amazon', 'walmart', 'acme'],
    });
  });

  it('never offers a firm as a brand unless the product bears its name', () => {
    const ids = identifierValues(
      recallIdentifiers(
        record({
          Description: 'This recall involves BBWOO baby loungers, style BLG26BE.',
          Importers: [{ Name: 'Shenzhen Trading Co., Ltd., of China' }],
          Manufacturers: [{ Name: 'Acme Holdings, of China' }],
        }),
      ),
    );
    expect(ids.brands).toEqual(['BBWOO']);
    expect(ids.companies).toEqual([
      { name: 'Acme Holdings, of China', role: 'manufacturer' },
      { name: 'Shenzhen Trading Co., Ltd., of China', role: 'importer' },
    ]);
  });

  it('match a marketplace by its id, name or aliases as bare site names', () => {
    expect(['Amazon.com', 'https://www.amazon.com/', 'amazon', "Lowe's", 'Home Depot', 'shop.acme.co.uk'].map(channelOf)).toEqual([
      'amazon',
      'amazon',
      'amazon',
      'lowes',
      'homedepot',
      'acme',
    ]);
    const ids = recallIdentifiers(honlyne);
    expect(soldOn(ids, bigRiver!).map((s) => s.value)).toEqual(['amazon']);
    expect(soldOn(ids, alimart!)).toEqual([]);
  });

  it('check the digit of every GTIN length', () => {
    expect(['036000291452', '4006381333931', '96385074', '10614141000415'].every(validGtin)).toBe(true);
    expect(['036000291453', '4006381333932', '12345', '8005551234'].some(validGtin)).toBe(false);
  });
});

describe('identifiers from hostile records', () => {
  for (const [name, fields] of Object.entries(HOSTILE_RECALLS)) {
    it(`keep ${name} bounded: no identifier over 40 characters, at most 200 of a kind, no markup or control characters`, () => {
      const recall = record({ ...fields, Title: String(fields.Title ?? `<script>x</script>${String(fields.Description ?? '').slice(0, 500)}`) });
      const ids = recallIdentifiers(recall);
      const values = identifierValues(ids);
      for (const list of [values.models, values.modelPatterns, values.upcs, values.asins, values.brands, values.lots, values.marketplaces]) {
        expect(list.length).toBeLessThanOrEqual(200);
        for (const value of list) {
          expect(value.length).toBeLessThanOrEqual(40);
          expect(value).not.toMatch(/[<>\p{Cc}\p{Cf}]/u);
        }
      }
      for (const text of [
        ...ids.names,
        ...ids.companies.map((c) => c.name),
        ...Object.values(ids).flatMap((v) => (Array.isArray(v) ? v : []).map((f: { context?: string }) => f.context ?? '')),
      ]) {
        expect(text.length).toBeLessThanOrEqual(400);
        expect(text).not.toMatch(/[<>\p{Cc}\p{Cf}]/u);
      }
      const { html } = notice(recall);
      expect(html).not.toMatch(/<script|<img src=x|<b>XY/);
    });
  }

  it('take no list word for a channel, and no folded letter for a site', () => {
    expect(identifierValues(recallIdentifiers(record(HOSTILE_RECALLS['a wish list']!))).marketplaces).toEqual(['amazon']);
    expect(identifierValues(recallIdentifiers(record(HOSTILE_RECALLS['a long s']!))).marketplaces).toEqual([]);
  });

  it('keep markup out of what it finds', () => {
    const ids = identifierValues(recallIdentifiers(record(HOSTILE_RECALLS['markup around identifiers']!)));
    expect(ids.models).toEqual(['XY-99', 'AB-12']);
    expect(ids.marketplaces).toEqual(['amazon']);
  });

  it('find no identifier over 40 characters in any real record', () => {
    for (const raw of [...cpscRecords(), ...cpscRecords('recalls-2026h1-sample.json')]) {
      const ids = identifierValues(recallIdentifiers(normalizeCpscRecord(raw)));
      for (const value of [ids.models, ids.brands, ids.lots, ids.modelPatterns].flat()) expect(value.length).toBeLessThanOrEqual(40);
    }
  });
});
