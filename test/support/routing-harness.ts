// Routing replicas on the test Redis with a scripted SBC on the bus: the SBC's side of the
// commands (connect, answer, play, hangup, originate, transfer) is recorded and answered, and
// the test publishes the call events a real SBC would. docs/routing.md#tests.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AnyEvent, CommandName, EventName } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { RoutingRuntime, type TenantRows } from '@ccx/routing-engine';
import { openTestBus, waitFor } from './bus';
import { dropKeys, redisUrl, uniquePrefix } from './redis';

export interface SbcCommand {
  name: CommandName;
  request: Record<string, unknown>;
}

const say = (level: string) => (obj: object, msg: string) => {
  if (process.env.CCX_ROUTING_LOG) console.error(level, msg, JSON.stringify(obj));
};
const quiet = { info: say('info'), warn: say('warn'), error: say('error') };

export interface RoutingHarnessOptions {
  replicas?: number;
  label?: string;
  /** The replicas' clock (default Date.now); a test moves it to time offers and wrap-ups out. */
  now?: () => number;
  /** Added to an offer's timeout in Redis (the runtime's default when absent). */
  offerGraceMs?: number;
  /** Time the replicas allow a command to the SBC (default 2 s). */
  commandTimeoutMs?: number;
}

export async function routingHarness(options: RoutingHarnessOptions = {}) {
  const prefix = uniquePrefix(options.label ?? 'routing');
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const opened: EventBus[] = [];
  const conns: Redis[] = [];
  const open = (source: string) => {
    const bus = openTestBus({
      prefix,
      source,
      instanceId: `${source}-${randomUUID().slice(0, 6)}`,
    });
    opened.push(bus);
    return bus;
  };
  const conn = () => {
    const c = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    conns.push(c);
    return c;
  };

  const sbcBus = open('sbc');
  const commands: SbcCommand[] = [];
  /** How the scripted SBC answers a command; default: accepted. */
  const replies: Partial<Record<CommandName, (req: Record<string, unknown>) => unknown>> = {};
  const record = (name: CommandName) => (req: unknown) => {
    const request = req as Record<string, unknown>;
    commands.push({ name, request });
    return Promise.resolve(replies[name]?.(request));
  };
  // Commands about a call go to the SBC holding it (`sbcId` of call.offered); originate to any.
  const handle = (name: CommandName, fallback: unknown, target?: string) =>
    sbcBus.handleCommand(
      name,
      async (r: unknown) => ((await record(name)(r)) ?? fallback) as never,
      target ? { target } : {},
    );
  // The SBC holding the calls (`sbc-test`); sbcGone() disconnects it, sbcBack() reconnects it.
  const serveSbc = () =>
    Promise.all([
      handle('sbc.connect', { accepted: true }, 'sbc-test'),
      handle('sbc.answer', { answered: true }, 'sbc-test'),
      handle('sbc.play', { playing: true, durationMs: 200 }, 'sbc-test'),
      handle('sbc.hangup', { ended: true }, 'sbc-test'),
      handle('sbc.record', { recording: true }, 'sbc-test'),
      handle('sbc.transfer', { accepted: true }, 'sbc-test'),
      // By default the scripted SBC still holds every call it is asked about.
      sbcBus.handleCommand(
        'sbc.live-calls',
        async (r) => {
          const reply = await record('sbc.live-calls')(r);
          return (reply as { live: string[] } | undefined) ?? { live: r.callIds };
        },
        { target: 'sbc-test' },
      ),
    ]);
  let sbcHandlers = await serveSbc();
  await handle('sbc.originate', { accepted: true });

  const events: AnyEvent[] = [];
  const observed: EventName[] = [
    'interaction.created',
    'interaction.queued',
    'interaction.offered',
    'interaction.offer-ended',
    'interaction.assigned',
    'interaction.overflowed',
    'interaction.completed',
    'interaction.abandoned',
    'interaction.callback-requested',
    'agent.state-changed',
    'queue.stats',
  ];
  await sbcBus.subscribe('observer', observed, async (e) => {
    events.push(e as AnyEvent);
  });

  const replicas: RoutingRuntime[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const runtime = new RoutingRuntime({
      redis: conn(),
      subscriber: conn(),
      bus: open(`routing-${i}`),
      prefix,
      busPrefix: prefix,
      log: quiet,
      queueTickMs: 200,
      statsPushMs: 500,
      commandTimeoutMs: options.commandTimeoutMs ?? 2_000,
      ...(options.now ? { now: options.now } : {}),
      ...(options.offerGraceMs !== undefined ? { offerGraceMs: options.offerGraceMs } : {}),
    });
    replicas.push(runtime);
  }

  let callSeq = 0;
  return {
    prefix,
    tenantId,
    sbcBus,
    commands,
    replies,
    events,
    replicas,
    runtime: replicas[0] as RoutingRuntime,
    async start(rows: TenantRows) {
      for (const r of replicas) {
        r.setTenant(tenantId, rows);
        await r.start();
      }
    },
    /** Commands of one name, in order. */
    sent(name: CommandName): Record<string, unknown>[] {
      return commands.filter((c) => c.name === name).map((c) => c.request);
    },
    of<N extends EventName>(name: N): Extract<AnyEvent, { name: N }>[] {
      return events.filter((e): e is Extract<AnyEvent, { name: N }> => e.name === name);
    },
    async waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
      await waitFor(what, check, timeoutMs);
    },
    /**
     * Waits until the bus is quiet: no new observed event and no new SBC command for `quietMs`
     * (fails after `timeoutMs`).
     */
    async settle(quietMs = 200, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let seen = -1;
      let since = Date.now();
      for (;;) {
        const now = events.length + commands.length;
        if (now !== seen) {
          seen = now;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) return;
        if (Date.now() > deadline) throw new Error(`bus not quiet after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Publishes call.offered for a new call to `number`, as the SBC does for a queue number. */
    async offerCall(number: string, caller = '+4940111222'): Promise<string> {
      const callId = `call-${++callSeq}-${randomUUID().slice(0, 6)}`;
      await sbcBus.publish('call.offered', {
        tenantId,
        callId,
        seq: 1,
        data: {
          direction: 'inbound',
          from: { uri: `sip:${caller}@itsp.example`, number: caller },
          to: { uri: `sip:${number}@sbc.example`, number },
          sbcId: 'sbc-test',
        },
      });
      return callId;
    },
    async answer(callId: string) {
      await sbcBus.publish('call.answered', { tenantId, callId, seq: 3, data: {} });
    },
    async connectFailed(
      callId: string,
      requestId: string,
      outcome: 'busy' | 'no-answer' | 'rejected' | 'timeout' | 'failed',
    ) {
      await sbcBus.publish('call.connect-failed', {
        tenantId,
        callId,
        seq: 2,
        data: { requestId, outcome },
      });
    },
    async hangup(callId: string) {
      await sbcBus.publish('call.ended', {
        tenantId,
        callId,
        seq: 9,
        data: { reason: 'normal', durationMs: 1000, q850Cause: 16 },
      });
    },
    async presence(userId: string, availability: 'Available' | 'Busy' | 'Away' | 'DoNotDisturb') {
      await sbcBus.publish('presence.changed', {
        tenantId,
        data: { userId, availability, activity: availability },
      });
    },
    /** The SBC process holding the calls dies: its command handlers disconnect from Redis. */
    async sbcGone() {
      for (const h of sbcHandlers) await h.close();
    },
    /** The SBC is connected again (a reconnect, or its process back with the same id). */
    async sbcBack() {
      sbcHandlers = await serveSbc();
    },
    async close() {
      for (const r of replicas) await r.stop();
      await Promise.all(opened.map((b) => b.close()));
      await Promise.all(conns.map((c) => c.quit()));
      // Thousands of keys per race or property run would pile up in the shared Redis.
      await dropKeys(prefix);
    },
  };
}

export type RoutingHarness = Awaited<ReturnType<typeof routingHarness>>;

/** Configuration rows as the API stores them (only the fields routing reads). */
export function rows(input: Partial<TenantRows>): TenantRows {
  return { queues: [], agents: [], numbers: [], flows: [], experts: [], ...input };
}
