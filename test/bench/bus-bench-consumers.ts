// Where the three consumer groups of the bus bench run: in the bench process, or one child
// process per group (the way services run them).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventBus } from '@ccx/event-bus';
import type { ConsumerStats } from './bus-bench-consumer';

export interface GroupConsumers {
  /** Per group: events handled, latency samples, CPU ms, since the last reset. */
  stats(): Promise<ConsumerStats[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

export async function inProcessConsumers(
  bus: EventBus,
  groups: readonly string[],
  concurrency: number,
): Promise<GroupConsumers> {
  const state = groups.map(() => ({ handled: 0, samples: [] as number[] }));
  for (const [i, group] of groups.entries()) {
    const mine = state[i];
    await bus.subscribe(
      group,
      ['call.ringing'],
      async (event) => {
        if (!mine) return;
        mine.handled++;
        if (event.correlationId) mine.samples.push(now() - Number(event.correlationId));
      },
      { concurrency },
    );
  }
  return {
    // The bench process's own CPU is measured by the caller.
    stats: async () => state.map((s) => ({ handled: s.handled, samples: s.samples, cpuMs: 0 })),
    reset: async () => state.forEach((s) => ((s.handled = 0), (s.samples = []))),
    close: async () => undefined,
  };
}

function ask<T>(child: ChildProcess, cmd: string, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench consumer exited (${code})`));
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message[key] as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ cmd });
  });
}

export async function childProcessConsumers(
  redisUrl: string,
  prefix: string,
  groups: readonly string[],
  concurrency: number,
): Promise<GroupConsumers> {
  const script = join(__dirname, 'bus-bench-consumer.js');
  const children = groups.map((group) =>
    fork(script, [redisUrl, prefix, group, String(concurrency)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('exit', (code) => reject(new Error(`bench consumer exited (${code})`)));
        }),
    ),
  );
  return {
    stats: () => Promise.all(children.map((c) => ask<ConsumerStats>(c, 'stats', 'stats'))),
    reset: async () => {
      await Promise.all(children.map((c) => ask<boolean>(c, 'reset', 'reset')));
    },
    close: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
              c.once('exit', () => (clearTimeout(timer), resolve()));
              c.send({ cmd: 'stop' });
            }),
        ),
      );
    },
  };
}
