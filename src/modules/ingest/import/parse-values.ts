/**
 * Cell parsers for imported files: money in yuan → integer fen, quantities, timestamps in the formats
 * spreadsheets write. Each returns a value or a reason a person can act on; none throws.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

// Optional sign, optional currency symbol, digits (thousands separated by commas allowed), decimals.
const MONEY = /^([+-])?\s*[¥￥$€£]?\s*([+-])?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?\s*(?:元|rmb|cny)?$/i;

/**
 * A decimal amount as an integer number of `10^-scale` units, rounded half away from zero; exact
 * (string arithmetic), so `0.125` yuan is 13 fen and `-0.125` is -13.
 */
const parseScaled = (text: string, scale: number): Parsed<number> => {
  const m = MONEY.exec(text.trim());
  if (!m || (m[1] && m[2])) return fail('not a number');
  const whole = (m[3] ?? '').replaceAll(',', '');
  const frac = m[4] ?? '';
  if (whole === '' && frac === '') return fail('not a number');
  if (whole.length > 13) return fail('too large');
  const kept = frac.slice(0, scale).padEnd(scale, '0');
  const roundUp = frac.length > scale && frac.charCodeAt(scale) - 48 >= 5 ? 1 : 0;
  const magnitude = Number(whole || '0') * 10 ** scale + Number(kept || '0') + roundUp;
  return ok((m[1] ?? m[2]) === '-' ? -magnitude : magnitude);
};

/** `12.50`, `¥1,234.5`, `-3`, `12.345` → fen (rounded half away from zero). */
export const parseYuanToFen = (text: string): Parsed<number> => parseScaled(text, 2);

/** A unit price kept at micro-yuan precision, so quantity × price is rounded once, per line. */
export const parseYuanToMicro = (text: string): Parsed<number> => parseScaled(text, 6);

/** Rounds micro-yuan to fen, half away from zero. */
export const microToFen = (micro: number): number => {
  const sign = micro < 0 ? -1 : 1;
  const abs = Math.abs(micro);
  const fen = Math.floor(abs / 10_000);
  return sign * (abs - fen * 10_000 >= 5_000 ? fen + 1 : fen);
};

const WHOLE = /^([+-]?\d{1,9})(?:\.0*)?$/;

/** A whole number of items (negative for returns); `2.0` is fine, `1.5` is not. */
export const parseQuantity = (text: string): Parsed<number> => {
  const m = WHOLE.exec(text.trim().replaceAll(',', ''));
  return m ? ok(Number(m[1])) : fail('not a whole number');
};

// ---- timestamps -----------------------------------------------------------------------------------

const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DOTTED = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^\d{10}(?:\d{3})?$/;
const CJK = /^(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[:：时](\d{2})分?(?:[:：](\d{2})秒?)?)?$/;

export const TIMESTAMP_FORMATS =
  'ISO 8601, YYYY-MM-DD HH:mm[:ss], YYYY/M/D H:mm, M/D/YYYY H:mm, D/M/YYYY (day > 12, or date order dmy), D.M.YYYY, YYYY年M月D日 H:mm or Unix seconds/milliseconds';

/** The order of day and month in dates such as 01/02/2024, when a file states it. */
export type DateOrder = 'ymd' | 'mdy' | 'dmy';
export const DATE_ORDERS = ['ymd', 'mdy', 'dmy'] as const satisfies readonly DateOrder[];

type Parts = { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number };

const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

const checkParts = (p: Parts): string | undefined => {
  if (p.y < 1900 || p.y > 2199) return 'year out of range';
  if (p.mo < 1 || p.mo > 12) return 'month out of range';
  if (p.d < 1 || p.d > daysIn(p.y, p.mo)) return 'day out of range';
  if (p.h > 23 || p.mi > 59 || p.s > 59) return 'time out of range';
  return undefined;
};

const num = (s: string | undefined) => (s ? Number(s) : 0);
const millis = (s: string | undefined) => (s ? Number(s.slice(0, 3).padEnd(3, '0')) : 0);

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

const formatter = (zone: string): Intl.DateTimeFormat => {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
};

/** Whether `zone` is an IANA time zone this runtime knows (`Asia/Shanghai`, `UTC`). */
export const isTimeZone = (zone: string): boolean => {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
};

/**
 * The zone's offset from UTC in ms at an instant. Cached per day when the offset is the same at both
 * ends of it (almost every day), otherwise per quarter hour (days with a DST change).
 */
const zoneOffset = (zone: string, utcMs: number): number => {
  const day = Math.floor(utcMs / 86_400_000);
  const dayKey = `${zone}|d${day}`;
  let whole = offsets.get(dayKey);
  if (whole === undefined) {
    const start = exactOffset(zone, day * 86_400_000);
    whole = start === exactOffset(zone, day * 86_400_000 + 86_399_000) ? start : Number.NaN;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(dayKey, whole);
  }
  if (!Number.isNaN(whole)) return whole;
  const key = `${zone}|${Math.floor(utcMs / 900_000)}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const offset = exactOffset(zone, utcMs);
  offsets.set(key, offset);
  return offset;
};

const exactOffset = (zone: string, utcMs: number): number => {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(utcMs / 1000) * 1000;
};

/** A wall-clock time in `zone` → the instant (the earlier one when a DST change repeats the hour, later in a skipped hour). */
const wallToInstant = (p: Parts, zone: string): Date => {
  const wall = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms);
  const first = zoneOffset(zone, wall);
  const t = wall - first;
  const second = zoneOffset(zone, t);
  if (second === first) return new Date(t);
  // Either the guess used the offset from the wrong side of a change, or the wall time falls in a gap
  // (spring forward): then it moves forward by the gap, as JavaScript and Temporal do.
  const t2 = wall - second;
  return new Date(zoneOffset(zone, t2) === second ? t2 : t);
};

/**
 * A timestamp from a file. Times with `Z` or an offset, and Unix times (10 or 13 digits), are exact; naive ones (no offset, as spreadsheets
 * write them) are read in `zone`. Dates with slashes are month first (`12/31/2025`, as Excel in the US writes) unless the day
 * cannot be a month (`31/12/2025`) or the file's date order says `dmy`; dates with dots or dashes (`31.12.2025`) are day first
 * unless it says `mdy`.
 */
export const parseTimestamp = (text: string, zone: string, order?: DateOrder): Parsed<Date> => {
  // Lines of one order repeat its time: remember the last answer.
  if (text === last.text && zone === last.zone && order === last.order) return last.result;
  const result = parseTimestampUncached(text, zone, order);
  last = { text, zone, order, result };
  return result;
};

let last: { text: string; zone: string; order: DateOrder | undefined; result: Parsed<Date> } = {
  text: '',
  zone: '',
  order: undefined,
  result: fail('empty'),
};

const parseTimestampUncached = (text: string, zone: string, order: DateOrder | undefined): Parsed<Date> => {
  const t = text.trim();
  if (t === '') return fail('empty');
  if (EPOCH.test(t)) return ok(new Date(t.length === 10 ? Number(t) * 1000 : Number(t)));
  let m = ISO_ZONED.exec(t);
  if (m) {
    const p: Parts = { y: num(m[1]), mo: num(m[2]), d: num(m[3]), h: num(m[4]), mi: num(m[5]), s: num(m[6]), ms: millis(m[7]) };
    const bad = checkParts(p);
    if (bad) return fail(bad);
    const z = (m[8] ?? 'Z').toUpperCase();
    let offsetMin = 0;
    if (z !== 'Z') {
      const digits = z.slice(1).replace(':', '');
      offsetMin = (z[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    }
    return ok(new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms) - offsetMin * 60_000));
  }
  let p: Parts | undefined;
  m = YMD.exec(t) ?? CJK.exec(t);
  if (m) p = { y: num(m[1]), mo: num(m[2]), d: num(m[3]), h: num(m[4]), mi: num(m[5]), s: num(m[6]), ms: millis(m[7]) };
  else {
    m = SLASHED.exec(t) ?? DOTTED.exec(t);
    if (m) {
      const a = num(m[1]);
      const b = num(m[2]);
      // Day first when the file says so, when the first number cannot be a month, or (dots, dashes) unless it says month first.
      const dayFirst = order === 'dmy' || (order !== 'mdy' && (!t.includes('/') || (a > 12 && b <= 12)));
      p = { y: num(m[3]), mo: dayFirst ? b : a, d: dayFirst ? a : b, h: num(m[4]), mi: num(m[5]), s: num(m[6]), ms: 0 };
    }
  }
  if (!p) return fail(`not a date/time (use ${TIMESTAMP_FORMATS})`);
  const bad = checkParts(p);
  if (bad) return fail(bad);
  return ok(wallToInstant(p, zone));
};
