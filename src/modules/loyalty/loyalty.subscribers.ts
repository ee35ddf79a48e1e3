import type { AppDeps } from '../../http/deps.ts';
import type { Subscriber } from '../../platform/outbox.ts';
import { loadLoyaltySettings } from './loyalty-settings.ts';
import { MergeEventSchema, moveMergedLoyalty, undoMergedLoyalty } from './merge-loyalty.ts';

/** Loyalty's domain-event consumers: points, lots, debt and growth follow identity merges and unmerges. */
export const loyaltySubscribers = (deps: AppDeps): Subscriber[] => {
  const log = deps.logger.child({ component: 'loyalty' });
  return [
    {
      consumer: 'loyalty.merge',
      topics: ['customer.merged', 'customer.unmerged'],
      handle: async (trx, event) => {
        const parsed = MergeEventSchema.safeParse(event.payload);
        if (!parsed.success) {
          // A malformed event would otherwise block every later one; it is recorded as delivered and named in the log.
          log.warn({ eventId: event.id, topic: event.topic, fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'merge event ignored: invalid payload');
          return;
        }
        const ctx = { clock: deps.clock, settings: await loadLoyaltySettings(trx) };
        const r = event.topic === 'customer.merged' ? await moveMergedLoyalty(trx, ctx, parsed.data) : await undoMergedLoyalty(trx, ctx, parsed.data);
        log.info({ eventId: event.id, topic: event.topic, mergeId: parsed.data.mergeId, ...r }, 'loyalty followed a merge');
      },
    },
  ];
};
