import { z } from 'zod';

/** Environment fields several functions share, with one definition each. */
export const tableName = z.string().min(3).max(255);
export const emailList = z
  .string()
  .transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean))
  .pipe(z.array(z.email()).min(1));
export const httpUrl = z.url({ protocol: /^https?$/ });
