// One consumer group of `npm run bench -- bus` in a process of its own, as a service would run
// it. Parent <-> child over the IPC channel: the child says {ready}, then answers {stats}
// requests with how many events it handled, the latency samples it measured (from the send
// time the publisher puts in `correlationId`) and the CPU it used.
import { performance } from 'node:perf_hooks';
import { createEventBus } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';

export interface ConsumerStats {
  handled: number;
  samples: number[];
  cpuMs: number;
}

const now = () => performance.timeOrigin + performance.now();

async function main() {
  const [redisUrl, prefix, group, concurrency] = process.argv.slice(2);
  if (!redisUrl || !prefix || !group)
    throw new Error('usage: bus-bench-consumer <redisUrl> <prefix> <group> [concurrency]');
  const bus = createEventBus({
    redisUrl,
    prefix,
    source: group,
    logger: createLogger(group, 'warn'),
  });
  let handled = 0;
  let samples: number[] = [];
  let cpu = process.cpuUsage();
  await bus.subscribe(
    group,
    ['call.ringing'],
    async (event) => {
      handled++;
      if (event.correlationId) samples.push(now() - Number(event.correlationId));
    },
    { concurrency: Number(concurrency ?? 16) },
  );
  process.on('message', (message: { cmd: string }) => {
    if (message.cmd === 'stats') {
      const used = process.cpuUsage(cpu);
      const stats: ConsumerStats = { handled, samples, cpuMs: (used.user + used.system) / 1000 };
      process.send?.({ stats });
    } else if (message.cmd === 'reset') {
      handled = 0;
      samples = [];
      cpu = process.cpuUsage();
      process.send?.({ reset: true });
    } else if (message.cmd === 'stop') {
      void bus.close().then(() => process.exit(0));
    }
  });
  process.once('SIGTERM', () => void bus.close().then(() => process.exit(0)));
  process.send?.({ ready: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
