export interface GlobalOptions {
  api?: string;
  key?: string;
  json?: boolean;
}

export class UsageError extends Error {}

/** API address and key from flags or CCX_API_URL / CCX_API_KEY. */
export function apiTarget(options: GlobalOptions, env = process.env): { url: string; key: string } {
  const url = options.api ?? env['CCX_API_URL'] ?? 'http://127.0.0.1:3000';
  const key = options.key ?? env['CCX_API_KEY'];
  if (!key)
    throw new UsageError('no API key: pass --key or set CCX_API_KEY (npm start prints one)');
  return { url, key };
}
