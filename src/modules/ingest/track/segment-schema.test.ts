import { describe, expect, it } from 'vitest';
import type { EventType } from '../ingest.tables.ts';
import { EVENT_TYPES, passesSegmentSchema, SegmentEventSchemas } from './segment-schema.ts';

const long = 'x'.repeat(201);
// Values each field may take: valid ones and every kind of invalid one the schemas tell apart.
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  '  ',
  'ok',
  ' padded ',
  'x'.repeat(200),
  long,
  ` ${'x'.repeat(199)} `,
  0,
  42,
  Number.NaN,
  Infinity,
  true,
  {},
  { a: 1 },
  [],
  ['a'],
];
const FIELDS = ['messageId', 'userId', 'anonymousId', 'context', 'properties', 'traits', 'event', 'name', 'category', 'groupId', 'previousId'];
const BASE: Record<EventType, Record<string, unknown>> = {
  track: { type: 'track', userId: 'u', event: 'Viewed', messageId: 'm' },
  identify: { type: 'identify', userId: 'u', traits: { email: 'a@b.cn' } },
  page: { type: 'page', anonymousId: 'a', name: '/', category: 'shop' },
  screen: { type: 'screen', anonymousId: 'a', name: 'Home' },
  group: { type: 'group', userId: 'u', groupId: 'g-1' },
  alias: { type: 'alias', userId: 'u', previousId: 'a' },
};

describe('passesSegmentSchema', () => {
  it('accepts exactly the events the Segment schemas accept, field by field and type by type', () => {
    let checked = 0;
    let refused = 0;
    for (const type of EVENT_TYPES) {
      for (const field of FIELDS) {
        for (const value of VALUES) {
          const event = { ...BASE[type], [field]: value };
          const expected = SegmentEventSchemas[type].safeParse(event).success;
          expect([type, field, value, passesSegmentSchema(type, event)]).toEqual([type, field, value, expected]);
          checked++;
          if (!expected) refused++;
        }
      }
    }
    // Both answers occur, for every type.
    expect(refused).toBeGreaterThan(100);
    expect(checked - refused).toBeGreaterThan(100);
  });
});
