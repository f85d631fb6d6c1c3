import { escapeHtml as e } from '#shared/html.ts';
import type { Marketplace } from '#shared/marketplace.ts';
import type { ApiKeyRecord } from '#shared/store/api-key-store.ts';
import { postForm, staffLayout, type Frame } from './views.ts';

/**
 * What an admin typed into a marketplace form, to show it again with the error; `version` is the
 * stored version the form was filled from (0 for a new marketplace), so that a save is refused
 * if someone changed the marketplace since.
 */
export type MarketplaceForm = Record<'id' | 'name' | 'noticeEmails' | 'escalationEmails' | 'aliases' | 'policy' | 'version', string> & { active: boolean };

export function marketplaceForm(m: Marketplace): MarketplaceForm {
  return {
    id: m.id,
    name: m.name,
    noticeEmails: m.noticeEmails.join('\n'),
    escalationEmails: m.escalationEmails.join('\n'),
    aliases: m.aliases.join('\n'),
    policy: JSON.stringify(m.policy, null, 2),
    active: m.active,
    version: String(m.version ?? 0),
  };
}

/** The version a form was filled from, as the number its hidden field holds; undefined when the form has none, NaN when it is not a number. */
export function formVersion(form: URLSearchParams): number | undefined {
  const text = form.get('version')?.trim();
  return text ? Number(text) : undefined;
}

const versionField = (version: string) => `<input type="hidden" name="version" value="${e(version)}">`;

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A form's fields as a marketplaces-file entry: the same validation as the file then applies. */
export function marketplaceEntry(
  form: URLSearchParams,
): { entry: Record<string, unknown>; fields: MarketplaceForm } | { error: string; fields: MarketplaceForm } {
  const field = (name: string) => form.get(name)?.trim() ?? '';
  const fields: MarketplaceForm = {
    id: field('id'),
    name: field('name'),
    noticeEmails: field('noticeEmails'),
    escalationEmails: field('escalationEmails'),
    aliases: field('aliases'),
    policy: field('policy'),
    active: form.get('active') === 'on',
    version: field('version'),
  };
  let policy: unknown = {};
  if (fields.policy) {
    try {
      policy = JSON.parse(fields.policy);
    } catch {
      return { error: 'policy: give the ladder as JSON, e.g. {"deadlineWorkingDays": 3}, or leave it empty for the defaults', fields };
    }
  }
  return {
    entry: {
      id: fields.id,
      name: fields.name,
      noticeEmails: lines(fields.noticeEmails),
      escalationEmails: lines(fields.escalationEmails),
      aliases: lines(fields.aliases),
      active: fields.active,
      policy,
      ...(fields.version && { version: formVersion(form) }),
    },
    fields,
  };
}

function message(m?: { error?: string; done?: string }): string {
  if (m?.error) return `<p class="error" role="alert">${e(m.error)}</p>`;
  return m?.done ? `<p class="done" role="status">${e(m.done)}</p>` : '';
}

function editor(f: Frame, fields: MarketplaceForm, isNew: boolean): string {
  const area = (name: keyof MarketplaceForm, label: string, rows = 2) =>
    `<label for="m-${name}">${label}</label><br><textarea id="m-${name}" name="${name}" rows="${rows}">${e(String(fields[name]))}</textarea><br>`;
  return postForm(
    f,
    'marketplaces',
    `<fieldset><legend>${isNew ? 'Add a marketplace' : `Edit ${e(fields.name)}`}</legend>
${
  isNew
    ? `<label for="m-id">Id (lowercase letters, digits, dashes)</label> <input id="m-id" name="id" value="${e(fields.id)}" required><br>`
    : `<input type="hidden" name="id" value="${e(fields.id)}">`
}
<label for="m-name">Name</label> <input id="m-name" name="name" value="${e(fields.name)}" required><br>
${area('noticeEmails', 'Notice emails (one a line)')}${area('escalationEmails', 'Escalation emails (one a line)')}${area('aliases', 'Aliases in recall texts (one a line)')}
${area('policy', 'Ladder (JSON; empty for the deployment default)', 4)}
<label><input type="checkbox" name="active"${fields.active ? ' checked' : ''}> Active (new recalls open cases for it)</label><br>
${versionField(fields.version)}<button type="submit">${isNew ? 'Add the marketplace' : 'Save'}</button></fieldset>`,
  );
}

/** A new marketplace's form: version 0, so that adding one whose id is taken is refused rather than replacing it. */
const EMPTY: MarketplaceForm = { id: '', name: '', noticeEmails: '', escalationEmails: '', aliases: '', policy: '', active: true, version: '0' };

/** Every marketplace, and the form that adds one. */
export function marketplacesPage(
  f: Frame,
  input: { marketplaces: Marketplace[]; form?: MarketplaceForm; message?: { error?: string; done?: string } },
): string {
  const rows = input.marketplaces.map(
    (m) =>
      `<tr><td><a href="${e(f.base)}marketplaces/${encodeURIComponent(m.id)}">${e(m.id)}</a></td><td>${e(m.name)}</td><td>${e(m.noticeEmails.join(', '))}</td><td>${
        m.active ? 'active' : '<span class="late">deactivated</span>'
      }</td><td>${m.policy.deadlineWorkingDays} WD</td></tr>`,
  );
  return staffLayout(
    f,
    'Marketplaces',
    `<h1>Marketplaces</h1>${message(input.message)}
<table id="marketplaces"><tr><th>Id</th><th>Name</th><th>Notice emails</th><th>State</th><th>Deadline</th></tr>${rows.join('')}</table>
${editor(f, input.form ?? EMPTY, true)}`,
  );
}

/** One marketplace: its form, (de)activation, and its API keys. */
export function marketplacePage(
  f: Frame,
  input: {
    marketplace: Marketplace;
    keys: ApiKeyRecord[];
    form?: MarketplaceForm;
    issuedKey?: { keyId: string; key: string };
    message?: { error?: string; done?: string };
  },
): string {
  const m = input.marketplace;
  const path = `marketplaces/${encodeURIComponent(m.id)}`;
  const keys = input.keys.map(
    (k) =>
      `<tr><td><code>${e(k.keyId)}</code></td><td>${e(k.createdAt)}</td><td>${
        k.revokedAt
          ? `revoked ${e(k.revokedAt)}`
          : postForm(f, `keys/${encodeURIComponent(k.keyId)}/revoke`, `<button type="submit">Revoke ${e(k.keyId)}</button>`)
      }</td></tr>`,
  );
  const issued = input.issuedKey
    ? `<p role="status" class="done">API key ${e(input.issuedKey.keyId)} issued. Give it to ${e(m.name)} now: it is shown this once and only its hash is kept.</p><p class="key" id="issued-key">${e(input.issuedKey.key)}</p>`
    : '';
  return staffLayout(
    f,
    `Marketplace ${m.id}`,
    `<h1>${e(m.name)} <small>(${e(m.id)})</small></h1>${message(input.message)}${issued}
${editor(f, input.form ?? marketplaceForm(m), false)}
${postForm(
  f,
  `${path}/${m.active ? 'deactivate' : 'activate'}`,
  `${versionField(String(m.version ?? 0))}<button type="submit">${m.active ? 'Deactivate (no new cases; open ones run on)' : 'Activate again'}</button>`,
)}
<h2>API keys</h2><table id="keys"><tr><th>Key id</th><th>Issued</th><th></th></tr>${keys.join('')}</table>
${postForm(f, `${path}/keys`, '<button type="submit">Issue an API key</button>')}`,
  );
}
