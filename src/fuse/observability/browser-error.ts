import { z } from 'zod';

/** What the browser reports about an error; everything is re-scrubbed and bounded on the server. */
export const browserErrorInput = z.object({
  name: z.string().max(200).optional(),
  message: z.string().min(1).max(2_000),
  stack: z.string().max(8_000).optional(),
  page: z.string().max(500).startsWith('/'),
  digest: z.string().max(100).optional(),
});

export type BrowserErrorInput = z.infer<typeof browserErrorInput>;
