import { describe, expect, it } from 'vitest';
import { pullRecalls, type PullDeps } from '#functions/pull-recalls/pull-recalls.ts';
import { fetchWindow, MAX_ANSWER_BYTES, PullRefused } from '#shared/cpsc-api.ts';

const WINDOW = { start: '2026-06-01', end: '2026-06-07' };

/** An answer that streams `chunks` pieces of `size` bytes, counting what was read of it. */
function streaming(chunks: number, size: number, headers: Record<string, string> = {}) {
  const read = { bytes: 0 };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) return controller.close();
      read.bytes += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { read, fetchFn: (async () => new Response(body, { status: 200, headers })) as typeof fetch };
}

describe('the CPSC API source is bounded', () => {
  it('refuses an answer larger than the cap while it streams, having read no more than the cap and the chunks the stream buffers ahead', async () => {
    const { read, fetchFn } = streaming(50, 100_000);
    const pull = fetchWindow(WINDOW, { apiUrl: 'https://api.example/Recall', field: 'LastPublishDate', fetchFn, maxBytes: 1_000_000, attempts: 1 });
    await expect(pull).rejects.toThrow(PullRefused);
    await expect(pull).rejects.toThrow(/more than 1 MB for the 7-day window 2026-06-01..2026-06-07.*refused while it was read, nothing ingested/);
    expect(read.bytes).toBeLessThanOrEqual(1_200_000);
  });

  it('refuses an answer whose Content-Length is over the cap without reading it', async () => {
    const { read, fetchFn } = streaming(10, 100_000, { 'content-length': String(MAX_ANSWER_BYTES + 1) });
    await expect(fetchWindow(WINDOW, { apiUrl: 'https://api.example/Recall', field: 'LastPublishDate', fetchFn, attempts: 1 })).rejects.toThrow(
      /more than 64 MB/,
    );
    expect(read.bytes).toBeLessThanOrEqual(100_000);
  });

  it('checks an API named in the pull event as strictly as the configured one', async () => {
    for (const apiUrl of ['file:///etc/passwd', 'ftp://api.example/Recall', 'not a url', 'javascript:alert(1)']) {
      await expect(pullRecalls({ since: '2026-06-01', apiUrl }, {} as PullDeps)).rejects.toThrow(/^apiUrl must be an http or https URL/);
    }
  });
});
