import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, PageQuerySchema, protectedErrors } from '../../../http/schemas.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { writeKeySource } from '../sources.ts';
import { SNIFF_BYTES } from './decode-file.ts';
import { errorReportCsv } from './error-report.ts';
import { failInterruptedImports } from './fail-interrupted-imports.ts';
import { parseMappingText } from './field-mapping.ts';
import { loadDateOrder } from './import.repository.ts';
import { IMPORT_KINDS } from './import-kinds.ts';
import { getImport, getImportErrors, type ImportRecord, listImports } from './list-imports.ts';
import { DATE_ORDERS } from './parse-values.ts';
import { previewFile } from './preview-file.ts';
import { DEFAULT_TIMEZONE, importFile } from './run-import.ts';

/** Content types read as the file itself, streamed (no multipart: one file per request). */
const FILE_TYPES = ['application/octet-stream', 'text/csv', 'application/csv', 'application/x-ndjson', 'application/jsonl', 'application/gzip'];

const ImportSchema = z.object({
  id: z.string(),
  source: z.string(),
  kind: z.string(),
  fileName: z.string(),
  encoding: z.string().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  rowsTotal: z.number(),
  rowsStored: z.number(),
  rowsDuplicate: z.number(),
  rowsRejected: z.number(),
  errorsListed: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  startedBy: z.string().nullable(),
  failure: z.string().nullable().describe('why a failed import stopped (e.g. interrupted by a crash: import the file again)'),
});

const toJson = (r: ImportRecord) => ({ ...r, startedAt: isoRequired(r.startedAt), finishedAt: iso(r.finishedAt) });

const Kind = z.enum(IMPORT_KINDS);
const Source = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _')
  .default('import');
const FileName = z.string().trim().min(1).max(300).default('upload.csv');
const IdParams = z.object({ id: z.string().min(1).max(64) });

/** What both import endpoints take besides the file (the session one also names the source). */
const ImportQuerySchema = z.object({
  kind: Kind,
  fileName: FileName,
  mapping: z.string().max(20_000).optional(),
  timezone: z.string().max(64).default(DEFAULT_TIMEZONE),
  dateOrder: z.enum(DATE_ORDERS).optional().describe('order of day and month in dates like 01/02/2024 (saved with the mapping)'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .default('CNY'),
});
type ImportQuery = z.infer<typeof ImportQuerySchema>;

const ImportedSchema = z.object({ import: ImportSchema.extend({ format: z.enum(['csv', 'jsonl']), mapping: z.record(z.string(), z.string()) }) });

/** The request body as a stream; no body at all reads as an empty file. */
const fileBody = (req: FastifyRequest): AsyncIterable<Buffer> => {
  const body = req.body as Readable | undefined;
  if (body === undefined || body === null) return (async function* () {})();
  if (typeof (body as { pipe?: unknown }).pipe !== 'function')
    throw new AppError('request.invalid', 'send the file as the request body (Content-Type: application/octet-stream)', {
      fields: [{ path: 'body', message: 'the file' }],
    });
  return body;
};

/** Up to `max` bytes of the body; the rest is read and dropped. */
const readHead = async (body: AsyncIterable<Buffer>, max: number): Promise<{ head: Buffer; complete: boolean }> => {
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = true;
  for await (const b of body) {
    if (size < max) chunks.push(b.subarray(0, max - size));
    size += b.length;
    if (size > max) complete = false;
  }
  return { head: Buffer.concat(chunks), complete };
};

/** Bulk import of customers, orders, refunds, tickets and messages from CSV or JSONL files. */
export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  // An import left `running` by a process that died is marked failed when the server starts (and by
  // the ingest:fail_interrupted_imports job, and before each new import).
  app.addHook('onReady', async () => {
    await failInterruptedImports(db, clock.now()).catch((e: unknown) => app.log.warn({ err: e }, 'could not check for interrupted imports'));
  });
  app.addContentTypeParser(FILE_TYPES, async (_req: FastifyRequest, payload: Readable) => payload);

  /** Imports a request's file into `source` (done when it answers) and shapes the finished import. */
  const importBody = async (actor: Actor, source: string, q: ImportQuery, bytes: AsyncIterable<Buffer>) => {
    const summary = await importFile(db, clock, actor, {
      kind: q.kind,
      source,
      fileName: q.fileName,
      bytes,
      mapping: q.mapping ? parseMappingText(q.mapping) : undefined,
      timezone: q.timezone,
      dateOrder: q.dateOrder,
      currency: q.currency,
    });
    const record = await getImport(db, summary.id);
    return { import: { ...toJson(record), format: summary.format, mapping: summary.mapping } };
  };

  app.post(
    '/api/imports/preview',
    {
      config: { access: { kind: 'session', permission: 'ingest:import' } },
      schema: {
        tags: ['ingest'],
        summary: 'Columns, detected encoding and a suggested mapping from the start of a file (send its first 64 KB)',
        querystring: z.object({ kind: Kind, source: Source, fileName: FileName }),
        response: {
          200: z.object({
            encoding: z.string(),
            format: z.enum(['csv', 'jsonl']),
            columns: z.array(z.string()),
            sample: z.array(z.array(z.string())),
            mapping: z.record(z.string(), z.string()),
            savedMapping: z.boolean(),
            fields: z.array(z.string()),
            required: z.array(z.union([z.string(), z.array(z.string())])),
            bytesPerRow: z.number(),
            dateOrder: z.enum(DATE_ORDERS).nullable().describe('the date order saved with the mapping of this source and kind, if any'),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const { head, complete } = await readHead(fileBody(req), SNIFF_BYTES);
      const preview = await previewFile(db, { kind: req.query.kind, source: req.query.source, fileName: req.query.fileName, head, complete });
      const dateOrder = (await loadDateOrder(db, req.query.source, req.query.kind)) ?? null;
      return { ...preview, dateOrder, fields: [...preview.fields], required: preview.required.map((r) => (typeof r === 'string' ? r : [...r])) };
    },
  );

  // The same import for machines: a write key (scope ingest:write) imports into its own source.
  app.post(
    '/v1/imports',
    {
      config: { access: { kind: 'api_key', scope: 'ingest:write' } },
      schema: {
        tags: ['ingest'],
        summary: "Import a CSV or JSONL file with a write key, into the key's source; answers when it is done",
        description: 'As POST /api/imports, authenticated with `Authorization: Basic base64(writeKey + ":")`; the source is the key\'s.',
        security: [{ writeKey: [] }],
        querystring: ImportQuerySchema,
        response: {
          201: ImportedSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          413: ErrorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const source = writeKeySource(req.actor);
      if (!req.actor || source === null) throw new AppError('auth.invalid_api_key', 'write key required');
      const imported = await importBody(req.actor, source, req.query, fileBody(req));
      reply.status(201);
      return imported;
    },
  );

  app.post(
    '/api/imports',
    {
      config: { access: { kind: 'session', permission: 'ingest:import' } },
      schema: {
        tags: ['ingest'],
        summary: 'Import a CSV or JSONL file sent as the raw body (streamed); answers when it is done',
        description:
          'Encoding (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16 with BOM) and format are detected. `mapping` is JSON ({"column": "field"}) or column=field pairs; it is saved for the source and kind. Poll GET /api/imports/{id} (the id is in GET /api/imports while it runs).',
        querystring: ImportQuerySchema.extend({ source: Source }),
        response: {
          201: ImportedSchema,
          ...protectedErrors,
          413: ErrorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const body = fileBody(req);
      const imported = await importBody(userActor(req), req.query.source, req.query, body);
      reply.status(201);
      return imported;
    },
  );

  app.get(
    '/api/imports',
    {
      config: { access: { kind: 'session', permission: 'ingest:read' } },
      schema: {
        tags: ['ingest'],
        summary: 'Past and running imports, newest first',
        querystring: PageQuerySchema.extend({ source: z.string().max(63).optional(), kind: Kind.optional() }),
        response: { 200: z.object({ items: z.array(ImportSchema), total: z.number(), page: z.number(), pageSize: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const { items, total } = await listImports(db, req.query);
      return { items: items.map(toJson), total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.get(
    '/api/imports/:id',
    {
      config: { access: { kind: 'session', permission: 'ingest:read' } },
      schema: {
        tags: ['ingest'],
        summary: "One import's progress (while running) and summary",
        params: IdParams,
        response: { 200: z.object({ import: ImportSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ import: toJson(await getImport(db, req.params.id)) }),
  );

  app.get(
    '/api/imports/:id/errors.csv',
    {
      config: { access: { kind: 'session', permission: 'ingest:import' } },
      schema: {
        tags: ['ingest'],
        summary: 'The rejected rows (line, column, value, reason) as CSV; values may be personal data, so each download is audited',
        params: IdParams,
        response: { 200: z.string().describe('text/csv'), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const { record, errors } = await getImportErrors(db, req.params.id);
      await db.transaction().execute((trx) =>
        recordAudit(trx, clock, userActor(req), {
          action: 'ingest.import_errors_download',
          subjectType: 'ingest_import',
          subjectId: record.id,
          details: { rows: errors.length },
        }),
      );
      const name = `${record.fileName.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'import'}-errors.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`${record.fileName.replace(/\.[^.]*$/, '')}-errors.csv`)}`,
        )
        .send(errorReportCsv(errors, record.rowsRejected));
    },
  );
};
