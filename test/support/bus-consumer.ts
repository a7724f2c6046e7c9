// A consumer process for the bus tests (compiled to dist/test/support/bus-consumer.js).
// Environment: REDIS_URL, BUS_PREFIX, BUS_GROUP, BUS_INSTANCE, BUS_LOCK_MS, BUS_CLOSE_GRACE_MS,
// BUS_EVENTS (comma-separated names), BUS_CONCURRENCY, BUS_MODE:
//   hang   - report "started <eventId> <attempt>" and never finish (to be killed mid-job)
//   record - RPUSH "<instance> <eventId> <attempt>" to <prefix>:test:handled
//   slow   - like record, after BUS_SLOW_MS (default 500) of work
// Prints "ready" once subscribed; on SIGTERM closes the bus gracefully and prints "closed".
import pino from 'pino';
import { Redis } from 'ioredis';
import { eventNames } from '@ccx/contracts';
import { createEventBus } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

async function main() {
  const prefix = env('BUS_PREFIX');
  const instance = env('BUS_INSTANCE', `consumer-${process.pid}`);
  const mode = env('BUS_MODE', 'record');
  const slowMs = Number(env('BUS_SLOW_MS', '500'));
  const redisUrl = env('REDIS_URL', 'redis://127.0.0.1:6379');
  const recorder = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const bus = createEventBus({
    redisUrl,
    prefix,
    source: 'bus-consumer',
    instanceId: instance,
    lockDurationMs: Number(env('BUS_LOCK_MS', '2000')),
    closeGraceMs: Number(env('BUS_CLOSE_GRACE_MS', '5000')),
    logger: createLogger('bus-consumer', env('LOG_LEVEL', 'warn'), pino.destination(2)),
  });
  const names = env('BUS_EVENTS', 'config.changed')
    .split(',')
    .filter((n) => n.length > 0);
  const known = names.filter((n): n is (typeof eventNames)[number] =>
    (eventNames as string[]).includes(n),
  );
  await bus.subscribe(
    env('BUS_GROUP'),
    known,
    async (event, ctx) => {
      const line = `${instance} ${event.eventId} ${ctx.attempt}`;
      if (mode === 'hang') {
        process.stdout.write(`started ${event.eventId} ${ctx.attempt}\n`);
        await new Promise(() => undefined);
      }
      if (mode === 'slow') {
        process.stdout.write(`started ${event.eventId} ${ctx.attempt}\n`);
        await new Promise((r) => setTimeout(r, slowMs));
      }
      await recorder.rpush(`${prefix}:test:handled`, line);
      process.stdout.write(`handled ${line}\n`);
    },
    { concurrency: Number(env('BUS_CONCURRENCY', '4')) },
  );
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void bus
      .close()
      .then(() => recorder.quit())
      .then(() => {
        process.stdout.write('closed\n');
        process.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
