import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ingestRecalls } from '#functions/ingest/ingest-recalls.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { normalizeCpscRecord } from '#shared/recall.ts';
import { recallsFromCatalogue } from './catalogue.ts';

export interface IngestBenchResult {
  records: number;
  recordsPerSecond: number;
  naiveRecordsPerSecond: number;
  ratio: number;
  reingestRatio: number;
}

/**
 * Ingests `count` recalls with the ingest function's code against the local cloud's dynalite
 * (in this process: the storage path, without Lambda's transport), then again unchanged, and
 * compares with a naive loop of one PutItem per record.
 */
export async function ingestBenchmark(count = 10_000): Promise<IngestBenchResult> {
  const records = recallsFromCatalogue(count);
  const cloud = await LocalCloud.start({});
  try {
    const { recalls, ingestState, quarantine, audit } = cloud.stores();
    const ingestAll = async (batch: Record<string, unknown>[]) => {
      const started = performance.now();
      const result = await ingestRecalls({ source: 'bench', records: batch, startWorkflows: false }, { recalls, ingestState, quarantine, audit });
      if (result.quarantined.length) throw new Error(`bench records were quarantined: ${result.quarantined[0]!.reason}`);
      return (performance.now() - started) / 1000;
    };
    // Warm both paths up (other recall numbers) so that neither measures the JIT.
    await ingestAll(records.slice(0, 1000).map((r, i) => ({ ...r, RecallNumber: String(800_000 + i) })));
    const first = await ingestAll(records);
    const again = await ingestAll(records);

    // The naive way: one PutItem per record, in order, into the same table (other keys), same item shape.
    const client = new DynamoDBClient(cloud.clientConfig('dynamodb'));
    const naiveLoop = async (offset: number, batch: Record<string, unknown>[]) => {
      const started = performance.now();
      for (const [i, raw] of batch.entries()) {
        const recall = normalizeCpscRecord({ ...raw, RecallNumber: String(offset + i) });
        const item = { recallNumber: recall.recallNumber, recallDate: recall.recallDate, source: recall.source, raw: JSON.stringify(raw) };
        await client.send(new PutItemCommand({ TableName: cloud.tableNames.recalls, Item: marshall(item) }));
      }
      return (performance.now() - started) / 1000;
    };
    await naiveLoop(850_000, records.slice(0, 1000));
    const naive = await naiveLoop(900_000, records);
    client.destroy();
    return {
      records: count,
      recordsPerSecond: Math.round(count / first),
      naiveRecordsPerSecond: Math.round(count / naive),
      ratio: Math.round((naive / first) * 10) / 10,
      reingestRatio: Math.round((first / again) * 10) / 10,
    };
  } finally {
    await cloud.stop();
  }
}
