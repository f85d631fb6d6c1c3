import { describe, expect, it } from 'vitest';
import { answerApi, type AnswerApiDeps } from '#functions/answer-api/answer-api.ts';

const KEY = `rgk_abcd1234_${'k'.repeat(43)}`;

/** The API's stores with a valid key for `alimart` and no cases: enough to reach the status filter. */
function deps(): AnswerApiDeps {
  const page = { records: [], next: undefined };
  return {
    apiKeys: {
      verify: async (key: string) =>
        key === KEY ? { keyHash: 'h', keyId: 'abcd1234', marketplaceId: 'alimart', createdAt: '2026-01-01T00:00:00Z' } : undefined,
    },
    cases: { ofMarketplace: async () => page },
  } as unknown as AnswerApiDeps;
}

const list = (status: string) => answerApi({ method: 'GET', routeKey: 'GET /v1/cases', apiKey: KEY, query: { status }, body: '' }, deps());

describe('GET /v1/cases?status=', () => {
  it('takes open, closed, all and checks', async () => {
    for (const status of ['open', 'closed', 'all', 'checks']) expect((await list(status)).statusCode).toBe(200);
  });

  it('refuses a status named after a prototype property with 400, not a 500', async () => {
    for (const status of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const response = await list(status);
      expect(response.statusCode, status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ error: 'status must be open, closed, all or checks', field: 'status' });
    }
  });
});
