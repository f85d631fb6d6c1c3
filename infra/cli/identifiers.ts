import { cited, companyLines, plain, identifierValues, NONE_PUBLISHED, nonePublished, recallIdentifiers, type RecallIdentifiers } from '#shared/identifiers.ts';
import { normalizeRecord } from '#shared/recall-file.ts';
import type { Recall } from '#shared/recall.ts';
import { readRecallFileAt } from './files.ts';

export interface IdentifiersReport {
  records: Record<string, ReturnType<typeof identifierValues>>;
  /** Records that are not recalls (the reason), by their place in the file. */
  quarantined: { index: number; reason: string }[];
}

/** `identifiers --file F`: what the notices of each recall of a CPSC file would offer to search by, before they go out. */
export async function identifiersOfFile(file: string): Promise<{ report: IdentifiersReport; recalls: { recall: Recall; ids: RecallIdentifiers }[] }> {
  const parsed = await readRecallFileAt(file);
  const report: IdentifiersReport = { records: {}, quarantined: [] };
  const recalls: { recall: Recall; ids: RecallIdentifiers }[] = [];
  parsed.records.forEach((raw, index) => {
    try {
      const recall = normalizeRecord(raw, parsed.format);
      const ids = recallIdentifiers(recall);
      report.records[recall.recallNumber] = identifierValues(ids);
      recalls.push({ recall, ids });
    } catch (error) {
      report.quarantined.push({ index, reason: (error as Error).message });
    }
  });
  return { report, recalls };
}

/** The identifiers in plain words, each with where the record gives it. */
export function printIdentifiers({ report, recalls }: Awaited<ReturnType<typeof identifiersOfFile>>): void {
  for (const { recall, ids } of recalls) {
    // Record text reaches a terminal: no control character of it does.
    console.log(`Recall ${recall.recallNumber}: ${plain(recall.title)}`);
    const kinds: [string, RecallIdentifiers['models']][] = [
      ['Models', ids.models],
      ['Model ranges and prefixes', ids.modelPatterns],
      ['UPCs', ids.upcs],
      ['ASINs', ids.asins],
      ['Brands', ids.brands],
      ['Lot, batch and date codes', ids.lots],
      ['Sold on', ids.marketplaces],
    ];
    for (const [label, items] of kinds) {
      if (items.length) console.log(`  ${label}:\n${items.map((i) => `    ${cited(i)}`).join('\n')}`);
    }
    if (nonePublished(ids)) console.log(`  ${NONE_PUBLISHED}`);
    for (const line of companyLines(ids)) console.log(`  ${line}`);
  }
  for (const q of report.quarantined) console.log(`Record ${q.index} is not read: ${q.reason}`);
}
