import { describe, expect, it } from 'vitest';
import { scanRawBatch } from './raw-batch.ts';

const scan = (text: string) => scanRawBatch(Buffer.from(text));

/** What the scanner found in the UTF-8 text, read back with JSON.parse: the batch array and each event's own text. */
const readBack = (text: string) => {
  const bytes = Buffer.from(text);
  const found = scanRawBatch(bytes);
  if (!found) return undefined;
  const array = bytes.subarray(found.start, found.end);
  let at = 1;
  const events = found.lengths.map((length) => {
    while (/[\s,]/.test(String.fromCharCode(array[at] as number))) at++;
    const event = JSON.parse(array.subarray(at, at + length).toString()) as unknown;
    at += length;
    return event;
  });
  return { array: JSON.parse(array.toString()) as unknown, events, lengths: found.lengths };
};

describe('scanRawBatch', () => {
  it('finds the batch array and each event of SDK-shaped and hand-written bodies, as JSON.parse reads them', () => {
    const bodies = [
      JSON.stringify({
        batch: [
          { type: 'track', event: 'A', properties: { n: 1 } },
          { type: 'page', name: 'p' },
        ],
        sentAt: '2026-01-01T00:00:00Z',
      }),
      JSON.stringify({ writeKey: 'k', context: { a: [1, { b: '}' }] }, batch: [] }),
      ` \n{ "sentAt" : "x" ,\n  "batch" : [ {"type":"track","event":"quote \\" ] } [ {","properties":{"s":"\\\\"}} ,\t{"type":"identify","traits":{"名字":"张三","emoji":"🍵","esc":"\\u00e9\\n"}} ] , "n": -1.5e3, "t": true, "z": null }\n`,
      JSON.stringify({ batch: [[1, 2], 'text', 42, null, { deep: { deeper: [{ deepest: '[]{}"' }] } }] }),
    ];
    for (const body of bodies) {
      const parsed = JSON.parse(body) as { batch: unknown[] };
      const back = readBack(body);
      expect(back?.array).toEqual(parsed.batch);
      expect(back?.events).toEqual(parsed.batch);
    }
  });

  it('reads the last of duplicate batch keys, as JSON.parse does', () => {
    const body = '{"batch":[{"type":"track","event":"first"}],"batch":[{"type":"track","event":"second"},{"type":"page"}]}';
    expect(readBack(body)?.events).toEqual((JSON.parse(body) as { batch: unknown[] }).batch);
  });

  it('gives up (the caller serialises instead) on escaped keys, a batch that is not an array, or a body that is not an object', () => {
    expect(scan('{"b\\u0061tch":[{"type":"track"}]}')).toBeUndefined();
    expect(scan('{"batch":{"type":"track"}}')).toBeUndefined();
    expect(scan('[{"type":"track"}]')).toBeUndefined();
    expect(scan('{"sentAt":"x"}')).toBeUndefined();
    expect(scan('{}')).toBeUndefined();
  });

  it('measures events in UTF-8 bytes of their own text', () => {
    const big = '茶'.repeat(14_000);
    const body = JSON.stringify({
      batch: [
        { type: 'track', event: 'small' },
        { type: 'track', event: 'big', properties: { big } },
      ],
    });
    const lengths = scan(body)?.lengths ?? [];
    expect(lengths[0]).toBe(JSON.stringify({ type: 'track', event: 'small' }).length);
    expect(lengths[1]).toBe(Buffer.byteLength(JSON.stringify({ type: 'track', event: 'big', properties: { big } })));
    expect(lengths[1]).toBeGreaterThan(42_000);
  });
});
