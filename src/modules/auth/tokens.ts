import { createHash, randomBytes } from 'node:crypto';

/** Session tokens and API key secrets are 256-bit random; only their SHA-256 is stored. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
