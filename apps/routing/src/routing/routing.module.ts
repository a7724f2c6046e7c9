import {
  Controller,
  Get,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import { EVENT_BUS, type EventBus, type Subscription } from '@ccx/event-bus';
import { LIVE_CONFIG, type LiveConfig, type LiveResource } from '@ccx/live-config';
import type { Logger, Registry } from '@ccx/observability';
import { DATABASE, type DatabaseHandle } from '@ccx/persistence';
import { periodic, RoutingRuntime, type Periodic } from '@ccx/routing-engine';
import { HealthRegistry, LOGGER, METRICS } from '@ccx/service-kit';
import type { RoutingConfig } from '../config';
import { DirectorySync } from './directory-sync';
import { IntervalWriter } from './interval-writer';
import { registerRoutingMetrics } from './routing-metrics';

export const ROUTED_RESOURCES: LiveResource[] = [
  'tenant',
  'skill',
  'queue',
  'agent',
  'number-range',
  'flow',
  'expert',
];

const CONFIG = Symbol('ROUTING_CONFIG');

/** Holds the runtime once started, for the status endpoint. */
export class RoutingHolder {
  runtime?: RoutingRuntime;
}

class RoutingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connections: Redis[] = [];
  private subscriptions: Subscription[] = [];
  private readonly loops: Periodic[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: RoutingConfig,
    @Inject(RoutingHolder) private readonly holder: RoutingHolder,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LIVE_CONFIG) private readonly live: LiveConfig,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Commands of one event-loop turn go out in one write (auto-pipelining), not one each. */
  private connect(pipelined = true): Redis {
    const c = new Redis(this.config.REDIS_URL, {
      maxRetriesPerRequest: null,
      enableAutoPipelining: pipelined,
    });
    this.connections.push(c);
    return c;
  }

  async onApplicationBootstrap() {
    const c = this.config;
    const log = this.logger.child({ component: 'routing' });
    const redis = this.connect();
    const runtime = new RoutingRuntime({
      redis,
      subscriber: this.connect(false),
      bus: this.bus,
      prefix: `${c.BUS_PREFIX}:rt`,
      busPrefix: c.BUS_PREFIX,
      log,
      concurrency: c.ROUTING_CONCURRENCY,
      shortAbandonMs: c.ROUTING_SHORT_ABANDON_MS,
      offerGraceMs: c.ROUTING_OFFER_GRACE_MS,
      commandTimeoutMs: c.ROUTING_COMMAND_TIMEOUT_MS,
      statsPushMs: c.ROUTING_STATS_PUSH_MS,
    });
    const sync = new DirectorySync(this.live, runtime, log);
    await sync.poll();
    this.subscriptions = await runtime.start();
    const writer = new IntervalWriter(runtime.deps.stats, this.database.db, log);
    const failed = (what: string) => (err: unknown) =>
      log.error({ err: String(err) }, `${what} failed`);
    this.loops.push(
      periodic(
        c.ROUTING_CONFIG_POLL_MS,
        () => sync.poll().then(() => undefined),
        failed('configuration poll'),
      ),
      periodic(
        c.ROUTING_INTERVAL_FLUSH_MS,
        () => writer.flush().then(() => undefined),
        failed('interval flush'),
      ),
    );
    this.holder.runtime = runtime;
    registerRoutingMetrics(this.metrics, runtime);
    this.health.register('routing', async () => {
      if ((await redis.ping()) !== 'PONG') throw new Error('Redis did not answer');
      return { tenants: runtime.tenantIds().length };
    });
    log.info({ tenants: runtime.tenantIds().length }, 'routing started');
  }

  async onApplicationShutdown() {
    for (const loop of this.loops.splice(0)) await loop.stop();
    await this.holder.runtime?.stop();
    for (const s of this.subscriptions.splice(0)) await s.close();
    await Promise.all(this.connections.splice(0).map((c) => c.quit().catch(() => undefined)));
  }
}

@Controller('routing')
class RoutingController {
  constructor(@Inject(RoutingHolder) private readonly holder: RoutingHolder) {}

  /** What this replica routes: tenants with their queue, agent and flow counts. */
  @Get('status')
  status() {
    const runtime = this.holder.runtime;
    if (!runtime) return { started: false, tenants: [] };
    return {
      started: true,
      tenants: runtime.tenantIds().map((tenantId) => {
        const dir = runtime.deps.directory(tenantId);
        return {
          tenantId,
          queues: dir?.queues.size ?? 0,
          agents: dir?.agents.size ?? 0,
          flows: dir?.flows.size ?? 0,
          experts: dir?.experts.length ?? 0,
          configErrors: dir?.errors ?? [],
        };
      }),
    };
  }
}

@Module({})
export class RoutingModule {
  static forRoot(config: RoutingConfig, live: DynamicModule): DynamicModule {
    return {
      module: RoutingModule,
      imports: [live],
      controllers: [RoutingController],
      providers: [{ provide: CONFIG, useValue: config }, RoutingHolder, RoutingLifecycle],
    };
  }
}
