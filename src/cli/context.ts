import { type Config, loadConfig } from '../platform/config.ts';
import { type OpenDatabase, openDatabase } from '../platform/database.ts';
import { createLogger, type Logger } from '../platform/logger.ts';

/** Config, logger and an open, migrated database for one CLI command; `close` releases them. */
export const withDatabase = async <T>(fn: (ctx: { config: Config; logger: Logger; database: OpenDatabase }) => Promise<T>): Promise<T> => {
  const config = loadConfig();
  const logger = createLogger(process.env.GUANXI_LOG_LEVEL ?? 'warn', process.stderr.isTTY);
  const database = await openDatabase(config, logger);
  try {
    return await fn({ config, logger, database });
  } finally {
    await database.shutdown();
  }
};
