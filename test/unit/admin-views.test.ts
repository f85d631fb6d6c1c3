import { describe, expect, it } from 'vitest';
import { formVersion, marketplaceEntry, marketplaceForm, marketplacePage, marketplacesPage } from '#functions/staff-console/admin-views.ts';
import type { Frame } from '#functions/staff-console/views.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';

const FRAME: Frame = { base: '/live/console/', now: new Date('2026-03-02T14:00:00Z'), who: { email: 'admin@agency.example', roles: ['admin'], csrf: 'c' } };
const [ALIMART] = parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);

/** The forms of a page, each as the fields a browser would post. */
function forms(html: string): { action: string; fields: URLSearchParams }[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map(([, action, body]) => ({
    action: action!,
    fields: new URLSearchParams(
      [...body!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]): [string, string] => [name!, value!]),
    ),
  }));
}

describe("the console's marketplace forms", () => {
  it('carry the version the page was read at, in the edit form and the activate or deactivate form', () => {
    const html = marketplacePage(FRAME, { marketplace: { ...ALIMART!, version: 7 }, keys: [] });
    const byAction = new Map(forms(html).map((f) => [f.action, f.fields]));
    expect(byAction.get('/live/console/marketplaces')?.get('version')).toBe('7');
    expect(byAction.get('/live/console/marketplaces/alimart/deactivate')?.get('version')).toBe('7');
    expect(byAction.get('/live/console/marketplaces/alimart/keys')?.has('version')).toBe(false);
    // A new marketplace is based on version 0: adding one whose id is taken is refused.
    const add = forms(marketplacesPage(FRAME, { marketplaces: [] })).find((f) => f.action === '/live/console/marketplaces');
    expect(add?.fields.get('version')).toBe('0');
  });

  it('read the version back into the entry they send, and keep it when the form is shown again with an error', () => {
    const posted = new URLSearchParams({ id: 'alimart', name: 'AliMart', noticeEmails: 'safety@alimart.example', policy: '', version: '7' });
    const read = marketplaceEntry(posted);
    expect(read).toMatchObject({ entry: { id: 'alimart', version: 7 }, fields: { version: '7' } });
    expect(marketplaceForm({ ...ALIMART!, version: 7 }).version).toBe('7');
    expect(marketplaceEntry(new URLSearchParams({ ...Object.fromEntries(posted), policy: '{' }))).toMatchObject({ fields: { version: '7' } });
    // No version field: the entry replaces whatever is stored, as a marketplaces file does.
    const unversioned = marketplaceEntry(new URLSearchParams({ id: 'alimart', name: 'AliMart', noticeEmails: 'safety@alimart.example' }));
    expect('entry' in unversioned && unversioned.entry).not.toHaveProperty('version');
    expect(formVersion(new URLSearchParams({ version: '3' }))).toBe(3);
    expect(formVersion(new URLSearchParams())).toBeUndefined();
    // A tampered version is refused by the same validation as a file's.
    const tampered = marketplaceEntry(new URLSearchParams({ ...Object.fromEntries(posted), version: 'seven' }));
    expect(() => parseMarketplaces(['entry' in tampered && tampered.entry])).toThrow(/^invalid marketplaces: 0\.version:/);
  });
});
