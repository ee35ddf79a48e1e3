import { AppError, type FieldError } from '../../../platform/errors.ts';
import type { ImportKind } from '../ingest.tables.ts';
import { IGNORE, type ImportField, KIND_FIELDS, REQUIRED_FIELDS, suggestMapping } from './import-kinds.ts';

/** Column name → Guanxi field (or `ignore`), as saved per source and kind. */
export type ColumnMapping = Record<string, string>;

/** Where each mapped field is in a row, and which columns are left for attributes. */
export type FieldColumns = {
  index: Partial<Record<ImportField, number>>;
  column: Partial<Record<ImportField, string>>;
  /** Columns mapped to a field or ignored: the rest become attributes (customers). */
  used: Set<number>;
};

const invalidMapping = (message: string, fields: FieldError[]) => new AppError('ingest.invalid_mapping', message, { fields });

/**
 * `InvoiceNo=external_id,CustomerID=customer_external_id` or a JSON object. The last `=` splits, so a
 * column name may contain `=`; use JSON for names with commas.
 */
export const parseMappingText = (text: string): ColumnMapping => {
  const t = text.trim();
  if (t === '') return {};
  if (t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw invalidMapping('the mapping is not valid JSON', [{ path: 'mapping', message: 'not valid JSON' }]);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string'))
      throw invalidMapping('the mapping must be an object of column → field', [{ path: 'mapping', message: 'expected {"column": "field"}' }]);
    return parsed as ColumnMapping;
  }
  const out: ColumnMapping = {};
  for (const pair of t.split(',')) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw invalidMapping(`"${pair}" is not column=field`, [{ path: 'mapping', message: `"${pair}" is not column=field` }]);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
};

/** Explicit, then saved (for columns the file has), then suggested by name; each field taken once. */
export const mergeMapping = (input: { kind: ImportKind; header: readonly string[]; explicit?: ColumnMapping; saved?: ColumnMapping }): ColumnMapping => {
  const known = new Set<string>([...KIND_FIELDS[input.kind], IGNORE]);
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  const claim = (column: string, field: string) => {
    if (column in mapping || !known.has(field)) return;
    if (field !== IGNORE && taken.has(field)) return;
    mapping[column] = field;
    if (field !== IGNORE) taken.add(field);
  };
  for (const [column, field] of Object.entries(input.explicit ?? {})) claim(column, field);
  for (const [column, field] of Object.entries(input.saved ?? {})) if (input.header.includes(column)) claim(column, field);
  for (const [column, field] of Object.entries(suggestMapping(input.kind, input.header))) claim(column, field);
  return mapping;
};

/**
 * The mapping an import uses: the explicit one, then the one saved for this source and kind, then a
 * suggestion by column name — per column, and each field taken once (the first claim wins). Refuses
 * unknown fields, an explicit column the file lacks, and missing required fields.
 */
export const resolveMapping = (input: {
  kind: ImportKind;
  header: readonly string[];
  explicit?: ColumnMapping;
  saved?: ColumnMapping;
  /** JSONL: keys may first appear after the first line, so explicit columns need not be in `header`. */
  openHeader?: boolean;
}): { mapping: ColumnMapping; columns: FieldColumns } => {
  const { kind, header } = input;
  const known = new Set<string>([...KIND_FIELDS[kind], IGNORE]);
  const problems: FieldError[] = [];
  const explicit = input.explicit ?? {};
  for (const [column, field] of Object.entries(explicit)) {
    if (!known.has(field)) problems.push({ path: `mapping.${column}`, message: `unknown field "${field}" for ${kind}; one of ${[...known].join(', ')}` });
    else if (!input.openHeader && !header.includes(column)) problems.push({ path: `mapping.${column}`, message: `the file has no column "${column}"` });
  }
  const explicitFields = Object.values(explicit).filter((f) => f !== IGNORE);
  const twice = explicitFields.filter((f, i) => explicitFields.indexOf(f) !== i);
  for (const f of new Set(twice)) problems.push({ path: 'mapping', message: `field "${f}" is mapped from more than one column` });
  if (problems.length > 0) throw invalidMapping(`invalid mapping: ${problems.map((p) => p.message).join('; ')}`, problems);

  const mapping = mergeMapping({ kind, header, explicit, saved: input.saved });

  const columns: FieldColumns = { index: {}, column: {}, used: new Set() };
  const order = [...header];
  for (const column of Object.keys(mapping)) if (!order.includes(column)) order.push(column);
  for (const [column, field] of Object.entries(mapping)) {
    const i = order.indexOf(column);
    columns.used.add(i);
    if (field !== IGNORE) {
      columns.index[field as ImportField] = i;
      columns.column[field as ImportField] = column;
    }
  }
  const missing: FieldError[] = [];
  for (const need of REQUIRED_FIELDS[kind]) {
    const options = (Array.isArray(need) ? need : [need]) as ImportField[];
    if (!options.some((f) => columns.index[f] !== undefined))
      missing.push({ path: 'mapping', message: options.length === 1 ? `map a column to ${options[0]}` : `map a column to one of ${options.join(', ')}` });
  }
  if (missing.length > 0) throw invalidMapping(`incomplete mapping: ${missing.map((p) => p.message).join('; ')}`, missing);
  return { mapping, columns };
};
