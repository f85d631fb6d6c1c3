import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { marketplaceAdmin, type AdminRequest, type MarketplaceAdminDeps } from '#functions/marketplace-admin/marketplace-admin.ts';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import { DEFAULT_POLICY, parseMarketplaces } from '#shared/marketplace.ts';
import type { ApiKeyStore } from '#shared/store/api-key-store.ts';
import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { DynamoMarketplaceStore } from '#shared/store/marketplace-store.ts';
import { localDynamo } from '../support/local-dynamo.ts';

/** A document client that awaits `before` ahead of each PutCommand to `table`: to fail the write (the function dies there), or to let a rival write first. */
function beforePuts(db: DynamoDBDocumentClient, table: string, before: () => Promise<void>): DynamoDBDocumentClient {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { constructor: { name: string }; input: { TableName?: string } }) => {
        if (command.constructor.name === 'PutCommand' && command.input.TableName === table) await before();
        return target.send(command as never);
      };
    },
  });
}

const [ALIMART] = parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);
const STAFF: AgencyIdentity = { kind: 'staff', issuer: 'https://idp.agency.example', subject: 'u-1', email: 'admin@agency.example' };
const AT = new Date('2026-03-02T14:00:00Z');
const stored = (action = 'MARKETPLACE_STORED') => ({ actor: 'system' as const, action });

const dynamo = localDynamo('marketplaces');

/** A marketplaces table and an audit table, as tables.ts declares them. */
async function tables(): Promise<{ marketplacesTable: string; auditTable: string }> {
  return { marketplacesTable: await dynamo.table('id'), auditTable: await dynamo.table('subject', 'entryKey') };
}

describe('marketplace changes and their audit entries', () => {
  const fresh = async () => {
    const { marketplacesTable, auditTable } = await tables();
    const failing = { on: false };
    const db = documentClient(dynamo.client());
    const dying = beforePuts(db, auditTable, async () => {
      if (failing.on) throw new Error('the function died here');
    });
    const log = new DynamoAuditLog(dying, auditTable);
    const marketplaces = new DynamoMarketplaceStore(db, marketplacesTable);
    const item = async () => (await db.send(new GetCommand({ TableName: marketplacesTable, Key: { id: 'alimart' }, ConsistentRead: true }))).Item;
    const entries = async () => (await new DynamoAuditLog(db, auditTable).list('marketplace-alimart')).map((e) => e.action);
    return { marketplaces, log, failing, item, entries, db, marketplacesTable };
  };

  it('writes each change with its entry and the next version, and refuses one based on a version the marketplace has left', async () => {
    const { marketplaces, log, entries } = await fresh();
    const write = (basedOn: number | undefined, name: string) =>
      marketplaces.change('alimart', AT, () => ({ marketplace: { ...ALIMART!, name }, audit: stored() }), { basedOn, log });
    expect(await write(0, 'AliMart')).toMatchObject({ outcome: 'stored', marketplace: { name: 'AliMart', version: 1 } });
    expect(await write(1, 'AliMart Global')).toMatchObject({ outcome: 'stored', marketplace: { name: 'AliMart Global', version: 2 } });
    // A second edit from the same form (version 1), or a new marketplace of a taken id (version 0): refused, nothing written.
    expect(await write(1, 'Ali')).toMatchObject({ outcome: 'conflict', current: { name: 'AliMart Global', version: 2 } });
    expect(await write(0, 'Ali')).toMatchObject({ outcome: 'conflict', current: { version: 2 } });
    expect(await marketplaces.latest('alimart')).toMatchObject({ name: 'AliMart Global', version: 2 });
    expect(await entries()).toEqual(['MARKETPLACE_STORED', 'MARKETPLACE_STORED']);
    // Without a version (a marketplaces file), the write replaces whatever is there, and still moves the version on.
    expect(await write(undefined, 'AliMart')).toMatchObject({ outcome: 'stored', marketplace: { version: 3 } });
    expect(await marketplaces.get('alimart')).not.toHaveProperty('auditOutbox');
  });

  it('keeps the entry in the marketplace item when the log write after it fails, and writes it to the log before the next change', async () => {
    const { marketplaces, log, failing, item, entries } = await fresh();
    failing.on = true;
    await expect(marketplaces.change('alimart', AT, () => ({ marketplace: ALIMART!, audit: stored('FIRST') }), { log })).rejects.toThrow(
      'the function died here',
    );
    expect(await item()).toMatchObject({ name: 'AliMart', version: 1, auditOutbox: [{ subject: 'marketplace-alimart', action: 'FIRST', actor: 'system' }] });
    expect(await entries()).toEqual([]);
    failing.on = false;
    // Even a change refused for its version writes what the last one left undone.
    expect(await marketplaces.change('alimart', AT, () => ({ marketplace: ALIMART!, audit: stored('REFUSED') }), { basedOn: 0, log })).toMatchObject({
      outcome: 'conflict',
    });
    expect(await entries()).toEqual(['FIRST']);
    await marketplaces.change('alimart', AT, () => ({ marketplace: ALIMART!, audit: stored('SECOND') }), { basedOn: 1, log });
    expect(await entries()).toEqual(['FIRST', 'SECOND']);
    expect(await item()).toMatchObject({ version: 2, auditOutbox: [{ action: 'SECOND' }] });
  });

  it('writes a file entry again on what a racing write stored, and refuses a form whose version a racing write moved on', async () => {
    const { marketplaces: rival, log, entries, db, marketplacesTable } = await fresh();
    let rivalFirst: (() => Promise<unknown>) | undefined;
    const racing = new DynamoMarketplaceStore(
      beforePuts(db, marketplacesTable, async () => {
        const before = rivalFirst;
        rivalFirst = undefined;
        await before?.();
      }),
      marketplacesTable,
    );
    const named = (store: DynamoMarketplaceStore, name: string, basedOn?: number) =>
      store.change('alimart', AT, () => ({ marketplace: { ...ALIMART!, name }, audit: stored(name) }), { basedOn, log });
    await named(rival, 'first');
    rivalFirst = () => named(rival, 'B');
    expect(await named(racing, 'A')).toMatchObject({ outcome: 'stored', marketplace: { name: 'A', version: 3 } });
    rivalFirst = () => named(rival, 'D');
    expect(await named(racing, 'C', 3)).toMatchObject({ outcome: 'conflict', current: { name: 'D', version: 4 } });
    expect(await entries()).toEqual(['first', 'B', 'A', 'D']);
  });

  it('stores a demo marketplace with no entry, moving the version on and keeping an entry not yet in the log', async () => {
    const { marketplaces, log, failing, item } = await fresh();
    failing.on = true;
    await expect(marketplaces.change('alimart', AT, () => ({ marketplace: ALIMART!, audit: stored('KEPT') }), { log })).rejects.toThrow();
    await marketplaces.put({ ...ALIMART!, name: 'Demo' });
    expect(await item()).toMatchObject({ name: 'Demo', version: 2, auditOutbox: [{ action: 'KEPT' }] });
  });
});

describe('marketplace administration on the stored marketplaces', () => {
  const admin = async () => {
    const { marketplacesTable, auditTable } = await tables();
    const db = documentClient(dynamo.client());
    const audit = new DynamoAuditLog(db, auditTable);
    const marketplaces = new DynamoMarketplaceStore(db, marketplacesTable);
    const deps: MarketplaceAdminDeps = { marketplaces, audit, apiKeys: {} as ApiKeyStore, defaultPolicy: DEFAULT_POLICY };
    return { marketplaces, audit, ask: (request: AdminRequest) => marketplaceAdmin(request, STAFF, deps) };
  };
  const entry = (extra: Record<string, unknown> = {}) => ({ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'], ...extra });

  it("stores a file's entries as they are, and a console form's only if the marketplace is still at the version the form was filled from", async () => {
    const { ask, marketplaces } = await admin();
    expect(await ask({ action: 'import', marketplaces: [entry()] })).toMatchObject({ ok: true, marketplaces: [{ id: 'alimart', version: 1 }] });
    expect(await ask({ action: 'import', marketplaces: [entry({ name: 'AliMart Global' })] })).toMatchObject({ ok: true, marketplaces: [{ version: 2 }] });
    expect(await ask({ action: 'import', marketplaces: [entry({ name: 'Stale', version: 1 })] })).toEqual({
      ok: false,
      kind: 'conflict',
      error:
        'marketplace alimart was changed after this copy of it was read (it is at version 2, the change was based on version 1): open it again to see what changed, then make the change again',
    });
    expect(await ask({ action: 'import', marketplaces: [entry({ version: 0 })] })).toEqual({
      ok: false,
      kind: 'conflict',
      error: 'there is already a marketplace alimart: open it to change it',
    });
    expect(await ask({ action: 'import', marketplaces: [entry({ name: 'Edited', version: 2 })] })).toMatchObject({ ok: true, marketplaces: [{ version: 3 }] });
    expect(await marketplaces.latest('alimart')).toMatchObject({ name: 'Edited', version: 3 });
    expect(await ask({ action: 'import', marketplaces: [entry({ version: -1 })] })).toMatchObject({
      ok: false,
      kind: 'invalid',
      error: expect.stringMatching(/^invalid marketplaces: 0\.version:/),
    });
  });

  it('activates and deactivates from the marketplace as last written, whatever copy the caller read, changing nothing else', async () => {
    const { ask, marketplaces, audit } = await admin();
    await ask({ action: 'import', marketplaces: [entry()] });
    const cached = await marketplaces.get('alimart');
    await ask({ action: 'import', marketplaces: [entry({ name: 'AliMart Global', version: 1 })] });
    // A copy remembered from before the edit, as a function's container may keep one for a minute.
    marketplaces.get = async () => cached;
    expect(await ask({ action: 'set-active', marketplaceId: 'alimart', active: false })).toMatchObject({
      ok: true,
      marketplace: { name: 'AliMart Global', active: false, version: 3 },
    });
    expect(await ask({ action: 'set-active', marketplaceId: 'alimart', active: true, version: 2 })).toMatchObject({ ok: false, kind: 'conflict' });
    expect(await ask({ action: 'set-active', marketplaceId: 'alimart', active: true, version: 3 })).toMatchObject({
      ok: true,
      marketplace: { active: true, version: 4 },
    });
    // Already active: nothing written, nothing audited.
    expect(await ask({ action: 'set-active', marketplaceId: 'alimart', active: true })).toMatchObject({ ok: true, marketplace: { version: 4 } });
    expect((await audit.list('marketplace-alimart')).map((e) => `${e.actor} ${e.action}`)).toEqual([
      'staff:admin@agency.example MARKETPLACE_STORED',
      'staff:admin@agency.example MARKETPLACE_STORED',
      'staff:admin@agency.example MARKETPLACE_DEACTIVATED',
      'staff:admin@agency.example MARKETPLACE_ACTIVATED',
    ]);
    expect(await ask({ action: 'set-active', marketplaceId: 'nowhere', active: true })).toEqual({
      ok: false,
      kind: 'not-found',
      error: 'there is no marketplace nowhere: import it first',
    });
    for (const request of [
      { marketplaceId: '', active: true },
      { marketplaceId: 'alimart', active: 'yes' },
      { marketplaceId: 'alimart', active: true, version: 1.5 },
    ])
      expect(await ask({ action: 'set-active', ...request } as AdminRequest)).toMatchObject({
        ok: false,
        kind: 'invalid',
        error: expect.stringMatching(/^set-active: /),
      });
  });
});
