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

export interface PlatformTables {
  outbox_event: OutboxEventTable;
  outbox_delivery: OutboxDeliveryTable;
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
