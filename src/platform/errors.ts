/** Codes owned by the platform itself (transport-level problems). Modules own theirs in `<module>.errors.ts`. */
export type PlatformErrorCode =
  | 'request.invalid'
  | 'request.not_found'
  | 'request.too_large'
  | 'request.unsupported_media_type'
  | 'rate_limit.exceeded'
  | 'internal.error';

export type FieldError = { path: string; message: string };

/**
 * The one error class. `code` is `module.snake_case`; each transport maps codes exhaustively
 * (src/http/error-status.ts, src/cli/exit-codes.ts), so a new code without a mapping does not compile.
 */
export class AppError<C extends string = string> extends Error {
  readonly code: C;
  readonly fields: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: C, message: string, options: { fields?: FieldError[]; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
