import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/test-app.ts';

describe('login rate limit', () => {
  const t = useTestApp({ env: { GUANXI_LOGIN_RATE_PER_MINUTE: '3', GUANXI_LOGIN_MAX_FAILURES: '100' } });

  it('slows down one address trying many passwords, with a JSON 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: `u${i}@test.example`, password: 'guess-guess' } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().error.code).toBe('rate_limit.exceeded');
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
