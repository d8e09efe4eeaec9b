import { baseConfigSchema, ConfigError, developmentFeaturesWarning, loadConfig, port } from './config.js';

const schema = baseConfigSchema.extend({ SOME_PORT: port(3000) });
const KEY = { AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit.pem' };

describe('loadConfig', () => {
  it('applies defaults and splits brokers', () => {
    const c = loadConfig(schema, { ...KEY, KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' });
    expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(c.SOME_PORT).toBe(3000);
    expect(c.LEKHA_ENV).toBe('production');
  });

  it('security #1: with no LEKHA_ENV (or an empty one) a service runs as production: no development features', () => {
    const base = { ...KEY, KAFKA_BROKERS: 'localhost:9092' };
    for (const env of [{}, { LEKHA_ENV: '' }]) {
      const c = loadConfig(schema, { ...base, ...env });
      expect(c.LEKHA_ENV).toBe('production');
      expect(developmentFeaturesWarning(c.LEKHA_ENV)).toBeNull();
    }
    expect(loadConfig(schema, { ...base, LEKHA_ENV: 'development' }).LEKHA_ENV).toBe('development');
    expect(() => loadConfig(schema, { ...base, LEKHA_ENV: 'dev' })).toThrow(/LEKHA_ENV is invalid/);
  });

  it('security #1: says loudly at start that development features are on', () => {
    for (const env of ['development', 'test'] as const) {
      expect(developmentFeaturesWarning(env)).toContain(`DEVELOPMENT FEATURES ARE ON (LEKHA_ENV=${env})`);
    }
  });

  it('names a missing variable', () => {
    expect(() => loadConfig(schema, KEY)).toThrow(new ConfigError('KAFKA_BROKERS', 'is required but not set'));
    expect(() => loadConfig(schema, { KAFKA_BROKERS: 'localhost:9092' })).toThrow(
      new ConfigError('AUDIT_SIGNING_KEY_FILE', 'is required but not set'),
    );
  });

  it('names an invalid variable', () => {
    const err = (() => {
      try {
        loadConfig(schema, { ...KEY, KAFKA_BROKERS: 'localhost:9092', SOME_PORT: '99999' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.variable).toBe('SOME_PORT');
    expect(() => loadConfig(schema, { ...KEY, KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL is invalid/,
    );
  });
});

describe('isUnavailable', () => {
  it('treats connection failures as unavailability and everything else as a fault', async () => {
    const { isUnavailable } = await import('./rpc-executor.js');
    expect(
      isUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(
      isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
