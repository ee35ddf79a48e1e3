import type { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { SegmentationErrorCode } from './segmentation.errors.ts';

/** Parses with a zod schema; a failure becomes an AppError naming each bad field (`body.<path>`). */
export const parseOrThrow = <S extends z.ZodType>(schema: S, value: unknown, code: SegmentationErrorCode, what: string): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message }));
  throw new AppError(code, `invalid ${what}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
};
