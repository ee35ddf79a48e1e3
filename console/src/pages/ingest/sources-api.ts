import { api } from '../../api/client';

// Shapes of the sources / event debugger API (GET /api/sources…).

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DataSource {
  id: string;
  name: string;
  kind: 'http' | 'file' | 'webhook' | 'console';
  trustRank: number;
  createdAt: string;
  events24h: number;
  rejections24h: number;
  lastEventAt: string | null;
}

export interface SourceEvent {
  id: string;
  messageId: string;
  type: EventType;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** null while the event waits for identity resolution. */
  customerId: string | null;
  pending: boolean;
  occurredAt: string;
  receivedAt: string;
  properties: unknown;
  traits: unknown;
  context: unknown;
}

export interface SourceRejection {
  id: number;
  receivedAt: string;
  type: string | null;
  name: string | null;
  field: string;
  reason: string;
}

export const sourcesApi = {
  list: () => api.get<{ items: DataSource[] }>('/api/sources'),
  get: (id: string) => api.get<{ source: DataSource }>(`/api/sources/${encodeURIComponent(id)}`),
  events: (id: string, limit = 50) =>
    api.get<{ items: SourceEvent[]; nextBefore: string | null; masked: boolean }>(`/api/sources/${encodeURIComponent(id)}/events`, { limit }),
  rejections: (id: string, limit = 50) =>
    api.get<{ items: SourceRejection[]; nextBefore: number | null }>(`/api/sources/${encodeURIComponent(id)}/rejections`, { limit }),
};
