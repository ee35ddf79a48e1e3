import type { Migration } from 'kysely';
import * as m20261122_0001 from './20261122_0001_foundation.ts';
import * as m20261122_0002 from './20261122_0002_data_and_identity.ts';
import * as m20261122_0003 from './20261122_0003_profile_views.ts';
import * as m20261122_0004 from './20261122_0004_list_indexes.ts';
import * as m20261122_0005 from './20261122_0005_ingest_inbox.ts';
import * as m20261122_0006 from './20261122_0006_segmentation.ts';
import * as m20261122_0007 from './20261122_0007_scoring.ts';
import * as m20261122_0008 from './20261122_0008_tags_recommendations.ts';
import * as m20261122_0009 from './20261122_0009_loyalty.ts';
import * as m20261122_0010 from './20261122_0010_analytics_unified.ts';
import * as m20261123_0012 from './20261123_0012_inbox_payload.ts';
import * as m20261123_0015 from './20261123_0015_loyalty_merge_transfer.ts';
import * as m20261123_0016 from './20261123_0016_forbid_change_and_tag_archive.ts';
import * as m20261123_0019 from './20261123_0019_outbox_parked.ts';
import * as m20261123_0021 from './20261123_0021_identity_measurement.ts';

/** Append-only list; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '20261122_0001_foundation': m20261122_0001,
  '20261122_0002_data_and_identity': m20261122_0002,
  '20261122_0003_profile_views': m20261122_0003,
  '20261122_0004_list_indexes': m20261122_0004,
  '20261122_0005_ingest_inbox': m20261122_0005,
  '20261122_0006_segmentation': m20261122_0006,
  '20261122_0007_scoring': m20261122_0007,
  '20261122_0008_tags_recommendations': m20261122_0008,
  '20261122_0009_loyalty': m20261122_0009,
  '20261122_0010_analytics_unified': m20261122_0010,
  '20261123_0012_inbox_payload': m20261123_0012,
  '20261123_0015_loyalty_merge_transfer': m20261123_0015,
  '20261123_0016_forbid_change_and_tag_archive': m20261123_0016,
  '20261123_0019_outbox_parked': m20261123_0019,
  '20261123_0021_identity_measurement': m20261123_0021,
};
