import { describe, expect, it } from 'vitest';
import { type DateOrder, isTimeZone, microToFen, parseQuantity, parseTimestamp, parseYuanToFen, parseYuanToMicro } from './parse-values.ts';

const fen = (t: string) => {
  const r = parseYuanToFen(t);
  return r.ok ? r.value : r.reason;
};
const at = (t: string, zone = 'Asia/Shanghai', order?: DateOrder) => {
  const r = parseTimestamp(t, zone, order);
  return r.ok ? r.value.toISOString() : r.reason;
};

describe('money in yuan → fen', () => {
  it('reads what spreadsheets write', () => {
    expect(fen('12.50')).toBe(1250);
    expect(fen('12.5')).toBe(1250);
    expect(fen('12')).toBe(1200);
    expect(fen('.5')).toBe(50);
    expect(fen(' ¥1,234.56 ')).toBe(123_456);
    expect(fen('￥88元')).toBe(8800);
    expect(fen('-3.10')).toBe(-310);
    expect(fen('£-3.10')).toBe(-310);
  });

  it('rounds half away from zero, exactly', () => {
    expect(fen('0.125')).toBe(13);
    expect(fen('-0.125')).toBe(-13);
    expect(fen('0.1249999')).toBe(12);
    expect(fen('2.675')).toBe(268); // 2.675 in binary floating point is 2.67499…
    expect(microToFen(3 * (parseYuanToMicro('2.085') as { value: number }).value)).toBe(626);
    expect(microToFen(-5_000)).toBe(-1);
    expect(microToFen(4_999)).toBe(0);
  });

  it('refuses what is not a number', () => {
    for (const t of ['', 'abc', '12,34', '1.2.3', '--1', '12 yuan', '1e5', '-', '¥']) expect(fen(t), t).toBe('not a number');
    expect(fen('12345678901234')).toBe('too large');
  });
});

describe('quantities', () => {
  it('are whole numbers, negative for returns', () => {
    expect(parseQuantity('24')).toEqual({ ok: true, value: 24 });
    expect(parseQuantity('-2')).toEqual({ ok: true, value: -2 });
    expect(parseQuantity('3.0')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('1.5')).toEqual({ ok: false, reason: 'not a whole number' });
    expect(parseQuantity('x')).toEqual({ ok: false, reason: 'not a whole number' });
  });
});

describe('timestamps', () => {
  it('reads naive times in the import time zone (Asia/Shanghai by default)', () => {
    expect(at('2025-01-02 03:04')).toBe('2025-01-01T19:04:00.000Z');
    expect(at('2025-01-02 03:04:05')).toBe('2025-01-01T19:04:05.000Z');
    expect(at('2025-01-02T03:04:05.678')).toBe('2025-01-01T19:04:05.678Z');
    expect(at('2025/1/2 3:04')).toBe('2025-01-01T19:04:00.000Z');
    expect(at('2025-01-02')).toBe('2025-01-01T16:00:00.000Z');
    expect(at('2025年1月2日 10:30')).toBe('2025-01-02T02:30:00.000Z');
    expect(at('12/1/2010 8:45', 'Europe/London')).toBe('2010-12-01T08:45:00.000Z');
    expect(at('6/15/2011 14:14', 'Europe/London')).toBe('2011-06-15T13:14:00.000Z'); // summer time
    expect(at('6/15/2011 14:14', 'UTC')).toBe('2011-06-15T14:14:00.000Z');
  });

  it('takes an explicit offset as given', () => {
    expect(at('2025-01-02T03:04:05Z')).toBe('2025-01-02T03:04:05.000Z');
    expect(at('2025-01-02T03:04:05+08:00', 'UTC')).toBe('2025-01-01T19:04:05.000Z');
    expect(at('2025-01-02 03:04:05-0500')).toBe('2025-01-02T08:04:05.000Z');
    expect(at('1775000000')).toBe('2026-03-31T23:33:20.000Z');
    expect(at('1775000000123')).toBe('2026-03-31T23:33:20.123Z');
  });

  it('handles the hour a DST change skips or repeats', () => {
    expect(at('2025-03-09 02:30', 'America/New_York')).toBe('2025-03-09T07:30:00.000Z');
    expect(at('2025-11-02 01:30', 'America/New_York')).toBe('2025-11-02T05:30:00.000Z');
  });

  it('refuses impossible and unknown formats with the reason', () => {
    expect(at('2025-02-30')).toBe('day out of range');
    expect(at('2025-13-01')).toBe('month out of range');
    expect(at('13/13/2025')).toBe('month out of range');
    expect(at('31/12/2025', 'UTC', 'mdy')).toBe('month out of range');
    expect(at('12/31/2025', 'UTC', 'dmy')).toBe('month out of range');
    expect(at('2025-01-01 25:00')).toBe('time out of range');
    expect(at('yesterday')).toMatch(/^not a date\/time \(use ISO 8601/);
    expect(at('')).toBe('empty');
  });

  it('reads day-first dates when the day cannot be a month, with dots, or when the file says dmy', () => {
    expect(at('31/12/2024', 'UTC')).toBe('2024-12-31T00:00:00.000Z');
    expect(at('31/12/2024 18:30', 'UTC')).toBe('2024-12-31T18:30:00.000Z');
    expect(at('31.12.2024', 'UTC')).toBe('2024-12-31T00:00:00.000Z');
    expect(at('1.2.2024 9:05', 'UTC')).toBe('2024-02-01T09:05:00.000Z');
    expect(at('31-12-2024', 'UTC')).toBe('2024-12-31T00:00:00.000Z');
    // Ambiguous with slashes: month first (as Excel in the US writes), unless the file states day first.
    expect(at('01/02/2024', 'UTC')).toBe('2024-01-02T00:00:00.000Z');
    expect(at('01/02/2024', 'UTC', 'dmy')).toBe('2024-02-01T00:00:00.000Z');
    expect(at('01.02.2024', 'UTC', 'mdy')).toBe('2024-01-02T00:00:00.000Z');
    // Year-first dates do not depend on it.
    expect(at('2024-02-01', 'UTC', 'dmy')).toBe('2024-02-01T00:00:00.000Z');
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
