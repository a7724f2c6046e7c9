import type { Command } from 'commander';
import { printRows } from '../output';
import type { GlobalOptions } from './target';

/** Operator access to the event bus itself (Redis), for dead letters. */
export function registerBusCommands(program: Command): void {
  const bus = program
    .command('bus')
    .description('event-bus dead letters (talks to Redis: env REDIS_URL, BUS_PREFIX)')
    .option('--redis <url>', 'Redis URL', process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379')
    .option('--prefix <prefix>', 'bus prefix', process.env['BUS_PREFIX'] ?? 'ccx');
  // Loaded on use: the bus brings BullMQ and Nest, half a second that other commands need not pay.
  const open = async () => {
    const { createEventBus } = await import('@ccx/event-bus');
    const { createLogger } = await import('@ccx/observability');
    const o = bus.opts<{ redis: string; prefix: string }>();
    return createEventBus({
      redisUrl: o.redis,
      prefix: o.prefix,
      source: 'ccx',
      logger: createLogger('ccx', 'silent'),
    });
  };

  bus
    .command('dead-letters <group>')
    .description(
      "events a consumer group gave up on, newest first (groups are service names, e.g. 'webhooks', 'sbc')",
    )
    .option('--limit <n>', 'at most this many', '50')
    .action(async (group: string, o: { limit: string }) => {
      const b = await open();
      try {
        const rows = (await b.deadLetters(group, Number(o.limit))).map((d) => ({
          jobId: d.jobId,
          event: d.event.name,
          tenant: d.event.tenantId,
          attempts: d.attempts,
          failedAt: d.failedAt,
          reason: d.failedReason,
        }));
        printRows(
          rows,
          ['jobId', 'event', 'tenant', 'attempts', 'failedAt', 'reason'],
          program.opts<GlobalOptions>().json === true,
        );
      } finally {
        await b.close();
      }
    });
  bus
    .command('replay <group> <jobId>')
    .description('put a dead letter back into its queue with fresh attempts')
    .action(async (group: string, jobId: string) => {
      const b = await open();
      try {
        await b.replay(group, jobId);
        process.stdout.write(`replayed ${jobId} for ${group}\n`);
      } finally {
        await b.close();
      }
    });
}
