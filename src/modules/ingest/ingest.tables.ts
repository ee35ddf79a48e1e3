import type { ColumnType, Generated } from 'kysely';

export type ImportKind = 'customers' | 'orders' | 'refunds' | 'tickets' | 'messages';
export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';

export interface IngestSourceTable {
  id: string;
  name: string;
  kind: 'http' | 'file' | 'webhook' | 'console';
  trust_rank: Generated<number>;
  created_at: Date;
}

export interface IngestMessageTable {
  source_id: string;
  message_id: string;
  customer_id: string;
  event_id: string;
  received_at: Date;
}

/** Accepted tracking events waiting for identity resolution (ingest:resolve moves them to customer_event). */
export interface IngestInboxTable {
  source_id: string;
  message_id: string;
  seq: Generated<number>;
  event_id: string;
  type: EventType;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  /**
   * The event's JSON as sent, or `{properties, traits, context}` when it was rewritten on the way in; either
   * way its `properties`, `traits` and `context` fields (an absent or null one is `{}`).
   */
  payload: ColumnType<unknown, string, string>;
  occurred_at: Date;
  received_at: Date;
  /** Where the event sat in its request (`body.batch[3]`), for rejections found while resolving. */
  path: string;
  /** Linked ids and person traits, when the event has any. (Payloads are `json`, converted to jsonb when moved.) */
  identity: ColumnType<unknown, string | null, string | null> | null;
}

export type DateOrder = 'ymd' | 'mdy' | 'dmy';

export interface IngestRejectionTable {
  id: Generated<number>;
  source_id: string | null;
  received_at: Date;
  type: string | null;
  name: string | null;
  field: string;
  reason: string;
}

export interface IngestRecordTable {
  source_id: string;
  kind: 'customer' | 'order' | 'refund' | 'ticket' | 'message';
  external_id: string;
  customer_id: string;
  record_id: string;
  imported_at: Date;
}

export interface IngestMappingTable {
  source_id: string;
  kind: string;
  mapping: ColumnType<Record<string, string>, string, string>;
  date_order: ColumnType<DateOrder | null, DateOrder | null | undefined, DateOrder | null>;
  updated_at: Date;
}

export interface IngestImportTable {
  id: string;
  source_id: string;
  kind: string;
  file_name: string;
  encoding: string | null;
  status: 'running' | 'done' | 'failed';
  rows_total: Generated<number>;
  rows_stored: Generated<number>;
  rows_duplicate: Generated<number>;
  rows_rejected: Generated<number>;
  errors: ColumnType<unknown[], string, string>;
  started_at: Date;
  finished_at: Date | null;
  started_by: string | null;
  /** Why a failed import stopped (a crash, the database going away). */
  failure: ColumnType<string | null, string | null | undefined, string | null>;
  date_order: ColumnType<DateOrder | null, DateOrder | null | undefined, DateOrder | null>;
}

/** Customer events (Segment-style), immutable; attached to the customer they resolved to when received. */
export interface CustomerEventTable {
  customer_id: string;
  id: string;
  source_id: string;
  message_id: string;
  type: EventType;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  properties: ColumnType<Record<string, unknown>, string, string>;
  traits: ColumnType<Record<string, unknown>, string, string>;
  context: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: Date;
  received_at: Date;
}

export interface ServiceTicketTable {
  customer_id: string;
  id: string;
  source: string;
  external_id: string;
  subject: string;
  status: 'open' | 'pending' | 'solved' | 'closed';
  priority: Generated<'low' | 'normal' | 'high' | 'urgent'>;
  channel: string | null;
  opened_at: Date;
  closed_at: Date | null;
  created_at: Date;
}

export interface CommunityMessageTable {
  customer_id: string;
  id: string;
  source: string;
  external_id: string;
  community: string;
  channel: string | null;
  body: string;
  sent_at: Date;
  created_at: Date;
}

export interface IngestTables {
  ingest_source: IngestSourceTable;
  ingest_message: IngestMessageTable;
  ingest_inbox: IngestInboxTable;
  ingest_rejection: IngestRejectionTable;
  ingest_record: IngestRecordTable;
  ingest_mapping: IngestMappingTable;
  ingest_import: IngestImportTable;
  customer_event: CustomerEventTable;
  service_ticket: ServiceTicketTable;
  community_message: CommunityMessageTable;
}
