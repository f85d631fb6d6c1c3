import type { Recall } from './recall.ts';

/** Whether a GTIN (UPC-A, EAN-13, EAN-8, GTIN-14) has a valid check digit. */
export function validGtin(code: string): boolean {
  const digits = code.replace(/[\s-]/g, '');
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return false;
  const body = [...digits.slice(0, -1)].reverse().map(Number);
  const sum = body.reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1));
}

/** What a marketplace searches its listings by to find the recalled product. */
export interface SearchIdentifiers {
  /** UPCs whose check digit is valid (a mistyped one would find the wrong product, or none). */
  upcs: string[];
  models: string[];
  brands: string[];
  names: string[];
}

const unique = (values: string[]) => [...new Set(values.map((v) => v.trim()).filter(Boolean))];

export function searchIdentifiers(recall: Recall): SearchIdentifiers {
  return {
    upcs: unique(recall.upcs.map((u) => u.replace(/[\s-]/g, '')).filter(validGtin)),
    models: unique(recall.products.flatMap((p) => p.model.split(/[,;]\s*/))),
    brands: unique([...recall.manufacturers, ...recall.importers]),
    names: unique(recall.products.map((p) => p.name)),
  };
}
