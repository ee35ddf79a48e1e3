import { z } from 'zod';

/** Shared response pieces. Dates leave as ISO-8601 strings. */
export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
export const isoRequired = (d: Date): string => d.toISOString();

export const OkSchema = z.object({ ok: z.literal(true) });

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Error responses every protected route may give; documented in OpenAPI. */
export const protectedErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema } as const;
