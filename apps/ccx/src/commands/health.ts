import type { Command } from 'commander';
import { printRows } from '../output';
import type { GlobalOptions } from './target';

const defaults: [string, number][] = [
  ['api', 3000],
  ['sbc', 3010],
  ['media-worker', 3020],
  ['routing', 3030],
  ['presence', 3040],
];

/** `ccx health`: asks every service's /health (ports as `npm start` uses them). */
export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description('check the health of every local service')
    .option('--host <host>', 'where the services run', '127.0.0.1')
    .action(async (o: { host: string }) => {
      const rows = await Promise.all(
        defaults.map(async ([service, port]) => {
          const url = `http://${o.host}:${port}/health`;
          try {
            const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
            const body = (await res.json()) as {
              status?: string;
              details?: Record<string, { status?: string }>;
            };
            const checks = Object.entries(body.details ?? {})
              .map(([name, d]) => `${name}:${d.status ?? '?'}`)
              .join(' ');
            return { service, url, status: body.status ?? res.status, checks };
          } catch (err) {
            return {
              service,
              url,
              status: 'unreachable',
              checks: err instanceof Error ? err.message : '',
            };
          }
        }),
      );
      printRows(
        rows,
        ['service', 'status', 'checks', 'url'],
        program.opts<GlobalOptions>().json === true,
      );
      if (rows.some((r) => r.status !== 'ok')) process.exitCode = 1;
    });
}
