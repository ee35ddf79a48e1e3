// Test-only helpers: where the published reference data lives and how to read it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/** `../shared/data/` beside the repository root. */
export const referenceDataPath = (...parts: string[]) => path.resolve(import.meta.dirname, '../../../../../shared/data', ...parts);

/** A CSV with a header line, as records of strings. */
export const readReferenceCsv = (file: string, encoding: BufferEncoding = 'utf8'): Record<string, string>[] =>
  parse(readFileSync(referenceDataPath(file), encoding), { columns: true, skip_empty_lines: true, bom: true, record_delimiter: ['\r\n', '\n', '\r'] });

/** CDNOW_sample.txt: `master_id sample_id YYYYMMDD number_of_cds dollar_value`; the summaries use sample_id as ID. */
export const readCdnowSample = () =>
  readFileSync(referenceDataPath('cdnow/CDNOW_sample.txt'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [, sampleId, date, , dollars] = line.trim().split(/\s+/) as [string, string, string, string, string];
      const at = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))));
      return { customerId: String(Number(sampleId)), at, amount: Number(dollars) };
    });
