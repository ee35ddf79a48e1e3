/** The order of day and month in dates such as 01/02/2024 (the server's `dateOrder`, saved with the mapping). */
export const DATE_ORDERS = ['ymd', 'mdy', 'dmy'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];
/** Not chosen: slashed dates are month first unless the first number cannot be a month; dotted ones day first. */
export const AUTO = 'auto';
export type DateOrderChoice = DateOrder | typeof AUTO;

/** Fields whose values are dates and times. */
export const DATE_FIELDS = ['placed_at', 'refunded_at', 'opened_at', 'closed_at', 'sent_at'] as const;

const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\b/;
const DOTTED = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})\b/;
const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/;

/** A date whose day and month can be read either way, shown when the file has none. */
export const FALLBACK_EXAMPLE = '01/02/2024';

/**
 * How the server reads the date part of `text` under `choice`, as YYYY-MM-DD (the same rule as the
 * import's parser); undefined when it is not a date of the forms the order applies to.
 */
export const readDateAs = (text: string, choice: DateOrderChoice): string | undefined => {
  const t = text.trim();
  const pad = (n: number) => String(n).padStart(2, '0');
  const ymd = YMD.exec(t);
  if (ymd) return `${ymd[1]}-${pad(Number(ymd[2]))}-${pad(Number(ymd[3]))}`;
  const m = SLASHED.exec(t) ?? DOTTED.exec(t);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const dayFirst = choice === 'dmy' || (choice !== 'mdy' && (!t.includes('/') || (a > 12 && b <= 12)));
  const [month, day] = dayFirst ? [b, a] : [a, b];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${m[3]}-${pad(month)}-${pad(day)}`;
};

/**
 * A date from the file to explain the choice with: the first value of a column mapped to a date field
 * whose day and month could be read either way (01/02/2024), else any first date value; else undefined.
 */
export const sampleDate = (columns: string[], sample: string[][], mapping: Record<string, string>): string | undefined => {
  const indexes = columns.map((c, i) => ((DATE_FIELDS as readonly string[]).includes(mapping[c] ?? '') ? i : -1)).filter((i) => i >= 0);
  const values = indexes.flatMap((i) => sample.map((row) => row[i] ?? '')).filter((v) => readDateAs(v, AUTO) !== undefined);
  const ambiguous = (v: string) => {
    const [dmy, mdy] = [readDateAs(v, 'dmy'), readDateAs(v, 'mdy')];
    return dmy !== undefined && mdy !== undefined && dmy !== mdy;
  };
  return values.find(ambiguous) ?? values[0];
};
