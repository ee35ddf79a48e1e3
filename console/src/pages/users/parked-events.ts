import type { TFunction } from 'i18next';
import { api } from '../../api/client';
import type { Page } from '../../api/types';

/** An outbox event a consumer gave up on after repeated failures (GET /api/outbox/parked). No payload. */
export interface ParkedEvent {
  eventId: string;
  consumer: string;
  topic: string;
  eventCreatedAt: string;
  attempts: number;
  lastError: string;
  firstFailedAt: string;
  lastFailedAt: string;
  parkedAt: string;
}

/** Consumers and topics the console names in words; others are shown as they are. */
export const KNOWN_CONSUMERS = ['tags', 'loyalty.merge'] as const;
export const KNOWN_TOPICS = ['customer.merged', 'customer.unmerged'] as const;

const known = (list: readonly string[], value: string) => list.includes(value);

/** "Tags (tags)" for a known consumer, the raw name otherwise. */
export const consumerLabel = (t: TFunction, consumer: string): string =>
  known(KNOWN_CONSUMERS, consumer) ? t('parkedEvents.namedValue', { name: t(`parkedEvents.consumers.${consumer}`), value: consumer }) : consumer;

export const topicLabel = (t: TFunction, topic: string): string =>
  known(KNOWN_TOPICS, topic) ? t('parkedEvents.namedValue', { name: t(`parkedEvents.topics.${topic}`), value: topic }) : topic;

const ERROR_PREVIEW = 120;

/** The error's first line, cut to fit a table cell (the whole message is in the tooltip). */
export const errorPreview = (message: string): string => {
  const firstLine = message.split('\n', 1)[0]?.trim() ?? '';
  return firstLine.length > ERROR_PREVIEW ? `${firstLine.slice(0, ERROR_PREVIEW - 1)}…` : firstLine;
};

export const parkedEventsApi = {
  list: (page: number, pageSize: number) => api.get<Page<ParkedEvent>>('/api/outbox/parked', { page, pageSize }),
  retry: (p: Pick<ParkedEvent, 'eventId' | 'consumer'>) =>
    api.post<{ retried: ParkedEvent }>(`/api/outbox/parked/${encodeURIComponent(p.eventId)}/${encodeURIComponent(p.consumer)}/retry`),
};
