import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The schema library of everything deployed: zod's tree-shakable form, tens of kilobytes in a
 * bundle where the chained form weighs 450 KB and 20-odd ms of every cold start. Import it as a
 * namespace (`import * as z`) and use it by property, so the bundler keeps only what is used.
 * It has no messages of its own: the English ones are loaded here, once for all schemas.
 */
config(en());

export * from 'zod/mini';
