import { ApiError, api, toQueryString } from '../../api/client';
import type { Page } from '../../api/types';
import type { Paging } from '../../api/use-paged-api';
import type { DateOrder } from './date-order';

export const IMPORT_KINDS = ['customers', 'orders', 'refunds', 'tickets', 'messages'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_STATUSES = ['running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Every field a column can be mapped to, over all kinds (the server says which apply to a kind). */
export const IMPORT_FIELDS = [
  'external_id',
  'customer_external_id',
  'phone',
  'email',
  'member_no',
  'wechat_unionid',
  'wechat_openid',
  'name',
  'customer_name',
  'placed_at',
  'sku',
  'product_name',
  'quantity',
  'unit_price',
  'amount',
  'currency',
  'status',
  'order_external_id',
  'refunded_at',
  'reason',
  'subject',
  'priority',
  'channel',
  'opened_at',
  'closed_at',
  'community',
  'body',
  'sent_at',
] as const;

export const IGNORE = 'ignore';

export interface ImportRecord {
  id: string;
  source: string;
  kind: string;
  fileName: string;
  encoding: string | null;
  status: ImportStatus;
  rowsTotal: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  errorsListed: number;
  startedAt: string;
  finishedAt: string | null;
  startedBy: string | null;
  /** Why a failed import stopped (e.g. interrupted by a crash), when it did. */
  failure: string | null;
}

export interface FilePreview {
  encoding: string;
  format: 'csv' | 'jsonl';
  columns: string[];
  sample: string[][];
  mapping: Record<string, string>;
  savedMapping: boolean;
  fields: string[];
  required: (string | string[])[];
  bytesPerRow: number;
  /** The date order saved with the mapping of this source and kind, if any. */
  dateOrder: DateOrder | null;
}

/** How much of the file the preview reads (the server detects the encoding from as much). */
const PREVIEW_BYTES = 65_536;

const readError = (xhr: XMLHttpRequest): ApiError => {
  let body: { error?: { code?: string; message?: string; fields?: { path: string; message: string }[] } } | undefined;
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    body = undefined;
  }
  return new ApiError({
    status: xhr.status,
    code: body?.error?.code ?? (xhr.status === 0 ? 'http.network' : `http.${xhr.status}`),
    message: body?.error?.message ?? (xhr.statusText || `HTTP ${xhr.status}`),
    fields: body?.error?.fields,
  });
};

/** Sends a file (or its start) as the raw body; `onProgress` gets the bytes sent so far. */
const sendFile = <T>(path: string, query: Record<string, string>, body: Blob, onProgress?: (sent: number, total: number) => void): Promise<T> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${path}${toQueryString(query)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(JSON.parse(xhr.responseText) as T) : reject(readError(xhr)));
    xhr.onerror = () => reject(readError(xhr));
    xhr.send(body);
  });

export const previewFile = (file: File, kind: ImportKind, source: string): Promise<FilePreview> =>
  sendFile('/api/imports/preview', { kind, source, fileName: file.name }, file.slice(0, PREVIEW_BYTES));

/**
 * Streams the whole file; the server reads it as fast as it imports (backpressure), so the upload
 * progress is the import's progress. Resolves with the finished import.
 */
export const uploadFile = (
  file: File,
  options: { kind: ImportKind; source: string; mapping: Record<string, string>; timezone: string; dateOrder?: DateOrder },
  onProgress: (sent: number, total: number) => void,
): Promise<{ import: ImportRecord }> =>
  sendFile(
    '/api/imports',
    {
      kind: options.kind,
      source: options.source,
      fileName: file.name,
      mapping: JSON.stringify(options.mapping),
      timezone: options.timezone,
      // Not sent when not chosen: the server then keeps the saved order (or reads dates by their form).
      ...(options.dateOrder ? { dateOrder: options.dateOrder } : {}),
    },
    file,
    onProgress,
  );

export const listImports = (paging: Paging) => api.get<Page<ImportRecord>>('/api/imports', paging);

export const errorReportUrl = (id: string) => `/api/imports/${encodeURIComponent(id)}/errors.csv`;
