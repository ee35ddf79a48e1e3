import { type RawBuilder, sql } from 'kysely';

// Every random choice reads bytes of a sha256 digest of (seed, row key): same seed, same rows, whatever the plan.
// These helpers only splice column names and integer offsets written in the demo generator into the SQL text.

/** A uniform draw in [0, 1) from two bytes of the digest in column `col`. */
export const u16 = (col: string, byte: number | string): RawBuilder<number> =>
  sql.raw(`((get_byte(${col}, ${byte}) * 256 + get_byte(${col}, (${byte}) + 1))::float8 / 65536)`);

/** A finer uniform draw in [0, 1) from four bytes. */
export const u32 = (col: string, byte: number): RawBuilder<number> =>
  sql.raw(
    `((get_byte(${col}, ${byte})::bigint * 16777216 + get_byte(${col}, ${byte + 1}) * 65536 + get_byte(${col}, ${byte + 2}) * 256 + get_byte(${col}, ${byte + 3}))::float8 / 4294967296)`,
  );

/** sha256 of the seed and the row key, joined with ':'. */
export const digest = (seed: string, ...key: unknown[]) => sql`sha256(convert_to(${sql.join([seed, ...key], sql` || ':' || `)}, 'UTF8'))`;
