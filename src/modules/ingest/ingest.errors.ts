export type IngestErrorCode =
  | 'ingest.invalid_event'
  | 'ingest.invalid_body'
  | 'ingest.invalid_gzip'
  | 'ingest.too_large'
  | 'ingest.rate_limited'
  | 'ingest.invalid_file'
  | 'ingest.invalid_mapping'
  | 'ingest.import_not_found'
  | 'ingest.source_not_found';
