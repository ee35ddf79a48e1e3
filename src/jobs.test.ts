import { parseCrontab } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { allJobs } from './jobs.ts';
import { systemClock } from './platform/clock.ts';
import { loadConfig } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';

describe('job definitions', () => {
  const jobs = allJobs({ db: {} as never, clock: systemClock, config: loadConfig({}), logger: createLogger('silent') });

  it('has a crontab the worker accepts, naming only defined tasks', () => {
    const items = parseCrontab(jobs.crontab.join('\n'));
    expect(items.length).toBe(jobs.crontab.length);
    for (const item of items) expect(Object.keys(jobs.tasks)).toContain(item.task);
  });
});
