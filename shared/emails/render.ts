import { escapeHtml as e } from '../html.ts';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** A piece of an email: a paragraph (with optional bold lead), a list, a link, or images. */
export type Block =
  | { p: string; lead?: string }
  | { list: string[]; heading?: string }
  | { link: string; label: string; big?: boolean }
  | { images: { url: string; caption: string }[] };

/** Renders the same blocks as plain text and as HTML; every value is escaped in the HTML. */
export function render(subject: string, blocks: Block[]): Email {
  const text: string[] = [];
  const html: string[] = [];
  for (const block of blocks) {
    if ('p' in block) {
      text.push(block.lead ? `${block.lead} ${block.p}` : block.p, '');
      html.push(`<p>${block.lead ? `<strong>${e(block.lead)}</strong> ` : ''}${e(block.p)}</p>`);
    } else if ('list' in block) {
      if (!block.list.length) continue;
      if (block.heading) text.push(block.heading);
      text.push(...block.list.map((item) => `- ${item}`), '');
      html.push(`${block.heading ? `<p><strong>${e(block.heading)}</strong></p>` : ''}<ul>${block.list.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`);
    } else if ('link' in block) {
      text.push(`${block.label}: ${block.link}`, '');
      html.push(`<p><a href="${e(block.link)}"${block.big ? ' style="font-size:1.2em;font-weight:bold"' : ''}>${e(block.label)}</a></p>`);
    } else {
      if (!block.images.length) continue;
      text.push(...block.images.map((i) => `Image: ${i.url}${i.caption ? ` (${i.caption})` : ''}`), '');
      html.push(
        `<p>${block.images.map((i) => `<img src="${e(i.url)}" alt="${e(i.caption || 'Recalled product')}" style="max-width:200px;margin-right:8px">`).join('')}</p>`,
      );
    }
  }
  return {
    subject: subject.replace(/\s+/g, ' ').slice(0, 250),
    text: `${text.join('\n').trim()}\n`,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:sans-serif;max-width:42em;line-height:1.4">\n${html.join('\n')}\n</body></html>`,
  };
}
