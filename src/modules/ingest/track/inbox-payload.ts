import { type RawBuilder, sql } from 'kysely';

/**
 * One of the `properties`, `traits` and `context` objects of an inbox payload (`json`: the event as sent,
 * or `{properties, traits, context}`), as jsonb; `{}` when the field is absent, null or not an object,
 * as the parser reads it (objectOrEmpty).
 */
export const payloadObject = (payload: RawBuilder<unknown>, field: 'properties' | 'traits' | 'context'): RawBuilder<Record<string, unknown>> =>
  sql<
    Record<string, unknown>
  >`(case json_typeof(${payload} -> ${sql.lit(field)}) when 'object' then (${payload} -> ${sql.lit(field)})::jsonb else '{}'::jsonb end)`;

/** The same, for a payload already converted to jsonb. */
export const payloadObjectB = (payload: RawBuilder<unknown>, field: 'properties' | 'traits' | 'context'): RawBuilder<Record<string, unknown>> =>
  sql<Record<string, unknown>>`(case jsonb_typeof(${payload} -> ${sql.lit(field)}) when 'object' then ${payload} -> ${sql.lit(field)} else '{}'::jsonb end)`;
