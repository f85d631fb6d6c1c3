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
/** A subject longer than this is cut: mail clients show less, and some servers refuse more. */
const MAX_SUBJECT = 250;

/** The text, or its start up to the last whole word that fits, with an ellipsis. */
export function atWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

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
    subject: atWord(subject.replace(/\s+/g, ' ').trim(), MAX_SUBJECT),
    text: `${text.join('\n').trim()}\n`,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:sans-serif;max-width:42em;line-height:1.4">\n${html.join('\n')}\n</body></html>`,
  };
}
