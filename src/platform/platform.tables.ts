import type { ColumnType, Generated } from 'kysely';

export interface OutboxEventTable {
  id: string;
  topic: string;
  customer_id: string | null;
  payload: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

export interface OutboxDeliveryTable {
  event_id: string;
  consumer: string;
  delivered_at: Generated<Date>;
}

/** Failed deliveries per (event, consumer); `parked_at` set = given up until an admin retries. */
export interface OutboxFailureTable {
  event_id: string;
  consumer: string;
  attempts: number;
  last_error: string;
  first_failed_at: Date;
  last_failed_at: Date;
  parked_at: Date | null;
}

export interface PlatformTables {
  outbox_event: OutboxEventTable;
  outbox_delivery: OutboxDeliveryTable;
  outbox_failure: OutboxFailureTable;
}

export interface PlatformSettingTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Date;
  updated_by: string | null;
}

export interface PlatformSettingTables {
  platform_setting: PlatformSettingTable;
}
