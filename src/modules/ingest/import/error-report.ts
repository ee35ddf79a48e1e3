import type { RowError } from './import.repository.ts';

const needsQuotes = /[",\r\n]/;
// A cell starting like a formula runs as one in Excel: neutralise it (the report holds file contents).
const formulaStart = /^[=+\-@\t\r]/;

const csvCell = (value: string | number): string => {
  let s = String(value);
  if (typeof value === 'string' && formulaStart.test(s)) s = `'${s}`;
  return needsQuotes.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export const ERROR_REPORT_HEADER = 'row,field,value,reason\r\n';

/** Report lines (CRLF, as Excel expects) for rejected rows. */
export const errorReportLines = (errors: RowError[]): string => errors.map((e) => `${[e.row, e.field, e.value, e.reason].map(csvCell).join(',')}\r\n`).join('');

/** The whole report: UTF-8 with a BOM so Excel shows Chinese correctly; a last line says what was left out. */
export const errorReportCsv = (errors: RowError[], rejected: number): string => {
  const omitted = rejected - errors.length;
  const tail = omitted > 0 ? errorReportLines([{ row: 0, field: '', value: '', reason: `${omitted} more rejected rows are not listed` }]) : '';
  return `\uFEFF${ERROR_REPORT_HEADER}${errorReportLines(errors)}${tail}`;
};
