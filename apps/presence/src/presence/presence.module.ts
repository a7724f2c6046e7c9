import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DelegatedGraphTokens, M365Clients } from '@ccx/auth';
import { teamsAvailability } from '@ccx/contracts';
import { EVENT_BUS, type EventBus, type Subscription } from '@ccx/event-bus';
import { entraJwks, GraphThrottle, httpAgent } from '@ccx/graph';
import { LIVE_CONFIG, type LiveConfig } from '@ccx/live-config';
import type { Logger, Registry } from '@ccx/observability';
import { DATABASE, type DatabaseHandle } from '@ccx/persistence';
import { PresenceRuntime, type PresenceUpdate } from '@ccx/presence-sync';
import { SecretBox } from '@ccx/security';
import { HealthRegistry, LOGGER, METRICS, REDIS } from '@ccx/service-kit';
import type { PresenceConfig } from '../config';
import { TenantConnections } from './connections';
import { loadEncryption } from './encryption';
import { GraphNotificationsController, PresenceStatusController } from './graph-controller';
import { PresenceHolder } from './presence-holder';
import { RedisSubscriptionStore } from './subscription-store';
import { registerPresenceMetrics } from './presence-metrics';
import { TrackedUsers } from './tracked-users';

const CONFIG = Symbol('PRESENCE_CONFIG');

/** Keeps a token until a minute before it expires (each fetch reads the database and MSAL). */
function cachedToken(
  fetch: () => Promise<{ accessToken: string; expiresOn: Date | null }>,
): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.token;
    const t = await fetch();
    const expires = t.expiresOn?.getTime() ?? Date.now() + 5 * 60_000;
    cached = { token: t.accessToken, until: expires - 60_000 };
    return t.accessToken;
  };
}

class PresenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private watch?: NodeJS.Timeout;
  private stopping = false;
  private pass?: Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly config: PresenceConfig,
    @Inject(PresenceHolder) private readonly holder: PresenceHolder,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LIVE_CONFIG) private readonly live: LiveConfig,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const c = this.config;
    const log = this.logger.child({ component: 'presence' });
    const extraCaPem = c.M365_EXTRA_CA_FILE
      ? readFileSync(c.M365_EXTRA_CA_FILE, 'utf8')
      : undefined;
    const agent = httpAgent(extraCaPem ? { extraCaPem } : {});
    const throttle = new GraphThrottle({
      ratePerSecond: c.PRESENCE_GRAPH_RATE,
      burst: c.PRESENCE_GRAPH_BURST,
    });
    const box = new SecretBox(c.MASTER_KEY);
    const clients = new M365Clients({
      authority: c.M365_AUTHORITY,
      ...(extraCaPem ? { extraCaPem } : {}),
    });
    const delegated = new DelegatedGraphTokens(this.database.db, box, clients);
    const connections = new TenantConnections(this.database.db, {
      box,
      clients,
      agent,
      throttle,
      graphUrl: c.GRAPH_URL,
      log,
      delegatedToken: (tenantId) => cachedToken(() => delegated.token(tenantId)),
    });
    const tracked = new TrackedUsers(this.live);
    const encryption = loadEncryption(c.PRESENCE_CERT_FILE, c.PRESENCE_KEY_FILE);
    const published = { notification: 0, poll: 0 };
    const publish = async (tenantId: string, update: PresenceUpdate) => {
      const agentId = tracked.agentOf(tenantId, update.userId);
      const availability = teamsAvailability.parse(update.availability);
      await this.bus.publish('presence.changed', {
        tenantId,
        data: {
          userId: update.userId,
          availability,
          activity: update.activity,
          ...(agentId ? { agentId } : {}),
          source: update.source,
          ...(update.sequence !== undefined ? { sequence: update.sequence } : {}),
        },
      });
      published[update.source]++;
    };
    const runtime = new PresenceRuntime({
      store: new RedisSubscriptionStore(this.redis, c.BUS_PREFIX),
      connections: () => connections.load(),
      trackedUsers: (tenantId) => tracked.load(tenantId),
      publish,
      ...(c.PRESENCE_PUBLIC_URL ? { publicUrl: c.PRESENCE_PUBLIC_URL } : {}),
      ...(encryption ? { encryption } : {}),
      clientStateKey: c.MASTER_KEY,
      jwks: entraJwks(agent, c.M365_AUTHORITY),
      authority: c.M365_AUTHORITY,
      pollIntervalMs: c.PRESENCE_POLL_MS,
      lifetimeMs: c.PRESENCE_SUBSCRIPTION_MS,
      renewBeforeMs: c.PRESENCE_RENEW_BEFORE_MS,
      writeBackMinutes: c.PRESENCE_WRITE_BACK_MINUTES,
      onProblem: (message, detail) => log.warn(detail, message),
    });
    this.holder.runtime = runtime;
    this.subscription = await this.bus.subscribe(
      'presence',
      ['agent.state-changed'],
      async (event) => {
        const userId = await tracked.userOf(event.tenantId, event.data.agentId);
        if (!userId) return;
        await runtime.agentChanged(
          event.tenantId,
          userId,
          event.data.state === 'busy',
          event.data.version,
        );
      },
      { concurrency: 16 },
    );
    // One pass at a time; a pass asked for while one runs follows it (it may carry a change the
    // running pass read too early).
    let again = false;
    const refresh = (): Promise<void> => {
      if (this.pass) {
        again = true;
        return this.pass;
      }
      this.pass = runtime
        .refresh()
        .catch((err: unknown) => log.error({ err: String(err) }, 'presence sync pass failed'))
        .finally(() => {
          this.pass = undefined;
          if (again && !this.stopping) {
            again = false;
            void refresh();
          }
        });
      return this.pass;
    };
    const versionsOf = async () => JSON.stringify([...(await this.live.versions())].sort());
    // Read before the first pass, so a change during it starts another.
    let versions = await versionsOf();
    void refresh();
    this.timer = setInterval(() => void refresh(), c.PRESENCE_SYNC_MS);
    this.timer.unref();
    // A new agent or expert (or a changed Teams user id) is picked up within a second: the live
    // configuration counts writes per tenant, and a change there starts a pass at once.
    this.watch = setInterval(() => {
      void versionsOf()
        .then((now) => {
          if (now !== versions) void refresh();
          versions = now;
        })
        .catch(() => undefined);
    }, 1_000);
    this.watch.unref();
    registerPresenceMetrics(this.metrics, runtime, this.holder, throttle, published);
    this.health.register('presence', () => {
      const tenants = [...runtime.stats().values()];
      return Promise.resolve({
        tenants: tenants.length,
        tracked: tenants.reduce((n, t) => n + t.tracked, 0),
        subscriptions: tenants.reduce((n, t) => n + t.subscriptions, 0),
      });
    });
    log.info(
      { notifications: c.PRESENCE_PUBLIC_URL ?? 'none (polling only)', encrypted: !!encryption },
      'presence sync started',
    );
  }

  async onApplicationShutdown() {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.watch) clearInterval(this.watch);
    await this.pass;
    await this.subscription?.close();
    await this.holder.runtime?.close();
  }
}

@Module({})
export class PresenceModule {
  static forRoot(config: PresenceConfig, live: DynamicModule): DynamicModule {
    return {
      module: PresenceModule,
      imports: [live],
      controllers: [GraphNotificationsController, PresenceStatusController],
      providers: [{ provide: CONFIG, useValue: config }, PresenceHolder, PresenceLifecycle],
      exports: [PresenceHolder],
    };
  }
}
