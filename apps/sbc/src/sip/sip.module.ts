import {
  Controller,
  Get,
  Inject,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LocalMediaControl, type MediaControl } from '@ccx/b2bua';
import { LIVE_CONFIG, type LiveConfig } from '@ccx/live-config';
import { EVENT_BUS, type EventBus, type Subscription } from '@ccx/event-bus';
import { createMediaEngine, type MediaEngine, type MediaWorkerDirectory } from '@ccx/media-relay';
import type { Logger, Registry } from '@ccx/observability';
import { HealthRegistry, LOGGER, METRICS, SERVICE_INFO, type ServiceInfo } from '@ccx/service-kit';
import type { SbcConfig } from '../config';
import { MEDIA_WORKERS, MediaWorkersModule } from '../media-workers.module';
import { BusEventSink, BusMediaControl, mediaEventsToBus } from './bus-adapters';
import { serveSbcCommands } from './commands';
import { registerSipMetrics } from './sip-metrics';
import { startSipRuntime, type SipRuntime } from './sip-runtime';
import { FileSettings, LiveSettings } from './settings-source';

const CONFIG = Symbol('SBC_CONFIG');
export const SIP_RUNTIME = Symbol('SIP_RUNTIME');

/** Holds the runtime once started, for the controller and health. */
export class SipHolder {
  runtime?: SipRuntime;
}

class SipLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  private engine?: MediaEngine;

  constructor(
    @Inject(CONFIG) private readonly config: SbcConfig,
    @Inject(SipHolder) private readonly holder: SipHolder,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(MEDIA_WORKERS) private readonly directory: MediaWorkerDirectory,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    // Only in live mode (no --config): the projection the API's changes land in.
    @Optional() @Inject(LIVE_CONFIG) private readonly live?: LiveConfig,
  ) {}

  private media(): MediaControl {
    if (this.config.SBC_MEDIA === 'bus') {
      return new BusMediaControl(this.bus, this.directory, this.config.SBC_MEDIA_TIMEOUT_MS);
    }
    this.engine = createMediaEngine({
      workerId: `${this.info.instanceId}-media`,
      bindAddress: this.config.SBC_RTP_BIND,
      portMin: this.config.SBC_RTP_PORT_MIN,
      portMax: this.config.SBC_RTP_PORT_MAX,
      idleTimeoutMs: 120_000,
      recordingDir: this.config.SBC_RECORDING_DIR,
      promptDir: this.config.SBC_PROMPT_DIR,
      listener: mediaEventsToBus(this.bus, this.logger),
    });
    return new LocalMediaControl(this.engine, `${this.info.instanceId}-media`);
  }

  async onApplicationBootstrap() {
    const c = this.config;
    const base = c.SBC_TEAMS_BASE_DOMAIN ? { teams: { baseDomain: c.SBC_TEAMS_BASE_DOMAIN } } : {};
    const source = c.SBC_CONFIG_FILE
      ? new FileSettings(c.SBC_CONFIG_FILE, this.logger)
      : this.live
        ? new LiveSettings(this.live, base, this.logger)
        : undefined;
    if (!source) throw new Error('no SBC settings: give --config <file> or DATABASE_URL');
    const sbcId = this.info.instanceId;
    const runtime = await startSipRuntime({
      config: c,
      sbcId,
      source,
      media: this.media(),
      events: new BusEventSink(this.bus, this.logger, c.SBC_EVENTS),
      log: this.logger,
    });
    this.holder.runtime = runtime;
    registerSipMetrics(this.metrics, runtime);
    this.health.register('sip', async () => ({
      listening: runtime.transport.addresses().map((a) => `${a.protocol}:${a.host}:${a.port}`),
      calls: runtime.b2bua.activeCalls,
    }));
    this.subscriptions = await serveSbcCommands(this.bus, runtime.b2bua, sbcId);
  }

  async onApplicationShutdown() {
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await this.holder.runtime?.stop();
    await this.engine?.close();
  }
}

@Controller('sip')
class SipController {
  constructor(@Inject(SipHolder) private readonly holder: SipHolder) {}

  /** Listeners, live calls, peer health and admission usage (internal port; operators, tests). */
  @Get('status')
  status() {
    const r = this.holder.runtime;
    if (!r) return { ready: false };
    return {
      ready: true,
      listening: r.transport.addresses(),
      calls: r.b2bua.activeCalls,
      dialogs: r.b2bua.activeDialogs,
      transactions: r.b2bua.transactions.stats(),
      peers: r.monitor.snapshot(),
      admission: r.policy.admission.usage(),
      dropped: r.b2bua.counters.dropped,
      rejected: r.b2bua.counters.rejected,
    };
  }
}

/** SIP listeners, the B2BUA, OPTIONS health, sbc.* commands, /sip/status, health and metrics. */
@Module({})
export class SipModule {
  /** `live`: the app's LiveConfigModule, when the SBC follows the API (not with --config). */
  static forRoot(config: SbcConfig, live?: DynamicModule): DynamicModule {
    return {
      module: SipModule,
      imports: [MediaWorkersModule.forRoot(config.BUS_PREFIX), ...(live ? [live] : [])],
      controllers: [SipController],
      providers: [{ provide: CONFIG, useValue: config }, SipHolder, SipLifecycle],
    };
  }
}
