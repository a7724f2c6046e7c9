// The world around the presence service in `npm run bench -- presence`, in its own process: the
// Microsoft 365 emulator (it does the work Microsoft's servers would: signing, encrypting,
// delivering) with the tenants and users, a load generator that changes users' Teams presence at
// a given rate, and the consumer of presence.changed that routing would be. As this process both
// makes a change and sees its presence.changed, it also measures the whole way through.
import { performance } from 'node:perf_hooks';
import { createEventBus, type EventBus, type Subscription } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { m365World, type M365World } from '../support/presence-world';

export type EmulatorRequest =
  | {
      type: 'setup';
      tenants: number;
      usersPerTenant: number;
      receiverCaPem: string;
      redisUrl: string;
      prefix: string;
    }
  | { type: 'reset-counts' }
  | { type: 'counts' }
  | { type: 'consumed' }
  | { type: 'load'; rate: number; seconds: number }
  | { type: 'stop' };

export interface SetupReply {
  type: 'ready';
  url: string;
  caPem: string;
  appId: string;
  secret: string;
  tenants: { id: string; userIds: string[]; token: string }[];
}

let world: M365World | undefined;
let bus: EventBus | undefined;
let consumer: Subscription | undefined;
/** When each user's latest change was made, until its presence.changed is consumed. */
const madeAt = new Map<string, number>();
const endToEnd: number[] = [];
let consumed = 0;

export interface ConsumedReply {
  type: 'consumed';
  consumed: number;
  /** Teams change made → presence.changed consumed, ms. */
  endToEnd: number[];
}

const send = (message: unknown) => process.send?.(message);

async function load(rate: number, seconds: number): Promise<number> {
  const w = world;
  if (!w) throw new Error('not set up');
  const tenants = w.tenants;
  const users = tenants[0]?.userIds.length ?? 0;
  const started = Date.now();
  let made = 0;
  let i = 0;
  // Each change flips one user between Available and Busy / InACall, round robin over tenants
  // and users, so every change is a real one.
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; made < due; made++, i++) {
      const t = tenants[i % tenants.length];
      const userId = t?.userIds[Math.floor(i / tenants.length) % users];
      if (!userId) continue;
      const round = Math.floor(i / (tenants.length * users));
      madeAt.set(userId, performance.now());
      if (round % 2 === 0) w.graph.setClientSession(userId, 'Busy', 'InACall');
      else w.graph.setClientSession(userId, 'Available', 'Available');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return made;
}

process.on('message', (raw: EmulatorRequest) => {
  void (async () => {
    switch (raw.type) {
      case 'setup': {
        world = await m365World({ tenants: raw.tenants, usersPerTenant: raw.usersPerTenant });
        world.graph.trustCa(raw.receiverCaPem);
        bus = createEventBus({
          redisUrl: raw.redisUrl,
          prefix: raw.prefix,
          source: 'bench-routing',
          logger: createLogger('bench-routing', 'warn'),
        });
        consumer = await bus.subscribe(
          'bench-routing',
          ['presence.changed'],
          (event) => {
            consumed++;
            const at = madeAt.get(event.data.userId);
            if (at !== undefined && event.data.source === 'notification') {
              endToEnd.push(performance.now() - at);
              madeAt.delete(event.data.userId);
            }
            return Promise.resolve();
          },
          { concurrency: 64 },
        );
        const tenants = [];
        for (const t of world.tenants) {
          tenants.push({
            id: t.tenant.id,
            userIds: t.userIds,
            token: await world.delegatedToken(t, 4 * 3600),
          });
        }
        const reply: SetupReply = {
          type: 'ready',
          url: world.m365.url,
          caPem: world.m365.caPem,
          appId: world.app.clientId,
          secret: world.secret,
          tenants,
        };
        send(reply);
        break;
      }
      case 'reset-counts':
        world?.graph.resetRequestCounts();
        send({ type: 'reset' });
        break;
      case 'counts':
        send({
          type: 'counts',
          counts: world?.graph.requestCounts(),
          heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        });
        break;
      case 'load': {
        const made = await load(raw.rate, raw.seconds);
        await world?.graph.flush();
        send({ type: 'loaded', made });
        break;
      }
      case 'consumed': {
        const reply: ConsumedReply = { type: 'consumed', consumed, endToEnd };
        send(reply);
        break;
      }
      case 'stop':
        await consumer?.close();
        await bus?.close();
        await world?.close();
        process.exit(0);
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
send({ type: 'started' });
