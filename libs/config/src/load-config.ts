import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_KEYS = new Set<string>();

/** Marks a schema field as secret: logs and `describeConfig` show it masked. */
export function secret<T extends z.ZodType>(schema: T, envName: string): T {
  SECRET_KEYS.add(envName);
  return schema;
}

export function isSecretKey(name: string): boolean {
  return SECRET_KEYS.has(name) || /SECRET|PASSWORD|TOKEN|PRIVATE_KEY/i.test(name);
}

/**
 * Reads the environment once into a typed, frozen object. Every variable is named in the error
 * when it is missing or malformed, so a bad deployment fails at boot with one readable message.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return Object.freeze(parsed.data);
}

/** The config as it may be logged: secrets replaced by "***". */
export function describeConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, isSecretKey(k) && v !== undefined ? '***' : v]),
  );
}
