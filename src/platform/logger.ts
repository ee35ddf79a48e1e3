import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs without personal data: request logs carry method, route pattern, status and timing,
 * never query strings, bodies, cookies or authorization headers (see src/http/app.ts serializers).
 */
export const createLogger = (level: string, pretty = false): Logger =>
  pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'email', '*.email', 'phone', '*.phone'],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
