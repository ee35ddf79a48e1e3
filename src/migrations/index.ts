import type { Migration } from 'kysely';
import * as m20261122_0001 from './20261122_0001_foundation.ts';
import * as m20261122_0002 from './20261122_0002_data_and_identity.ts';
import * as m20261122_0003 from './20261122_0003_profile_views.ts';
import * as m20261122_0004 from './20261122_0004_list_indexes.ts';

/** Append-only list; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '20261122_0001_foundation': m20261122_0001,
  '20261122_0002_data_and_identity': m20261122_0002,
  '20261122_0003_profile_views': m20261122_0003,
  '20261122_0004_list_indexes': m20261122_0004,
};
