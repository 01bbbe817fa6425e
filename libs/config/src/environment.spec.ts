import { loadAppConfig } from './app-config';
import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('gives defaults that fit the local PostgreSQL and Redis', () => {
    const cfg = loadAppConfig({ JWT_SECRET: 'x'.repeat(32) });
    expect(cfg.database).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'trace_app' });
    expect(cfg.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(cfg.http.ports['regulator-api']).toBe(3004);
  });

  it('converts numeric strings', () => {
    expect(validateEnvironment({ DATABASE_PORT: '6543' }).DATABASE_PORT).toBe(6543);
  });

  it('names every bad setting in one message', () => {
    try {
      validateEnvironment({ DATABASE_PORT: 'abc', REDIS_PORT: '70000', LOG_LEVEL: 'loud' });
      throw new Error('expected a failure');
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('DATABASE_PORT="abc"');
      expect(message).toContain('REDIS_PORT');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('requires real secrets in production and hides their values', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required[\s\S]*LEDGER_SIGNING_KEY: is required/,
    );
    try {
      validateEnvironment({ JWT_SECRET: 'short-secret' });
      throw new Error('expected a failure');
    } catch (e) {
      expect((e as Error).message).toContain('JWT_SECRET=(hidden)');
      expect((e as Error).message).not.toContain('short-secret');
    }
  });
});
