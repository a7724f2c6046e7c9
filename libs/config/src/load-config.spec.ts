import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonConfigShape, port } from './common';
import { ConfigError, describeConfig, loadConfig } from './load-config';

const schema = z.object({
  ...commonConfigShape,
  HTTP_PORT: port.default(3000),
  API_SECRET: z.string(),
});

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const cfg = loadConfig(schema, { HTTP_PORT: '8080', API_SECRET: 's' });
    expect(cfg.HTTP_PORT).toBe(8080);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', REDIS_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as Error).message;
      expect(text).toContain('HTTP_PORT');
      expect(text).toContain('REDIS_URL');
      expect(text).toContain('API_SECRET');
    }
  });

  it('masks secrets when the config is described for logs', () => {
    const cfg = loadConfig(schema, { API_SECRET: 'hunter2' });
    expect(describeConfig(cfg)['API_SECRET']).toBe('***');
    expect(JSON.stringify(describeConfig(cfg))).not.toContain('hunter2');
  });
});
