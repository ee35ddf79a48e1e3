import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('has a working default for every setting', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4300, embeddedPgPort: 54320, databaseUrl: undefined, host: '127.0.0.1' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ GUANXI_PORT: 'eighty', DATABASE_URL: 'not a url', GUANXI_COOKIE_SECURE: 'maybe' })).toThrow(ConfigError);
    try {
      loadConfig({ GUANXI_PORT: 'eighty', DATABASE_URL: 'not a url', GUANXI_COOKIE_SECURE: 'maybe' });
    } catch (e) {
      expect((e as Error).message).toMatch(/GUANXI_PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL/);
      expect((e as Error).message).toMatch(/GUANXI_COOKIE_SECURE/);
    }
  });
});
