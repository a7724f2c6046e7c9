import {
  Inject,
  Injectable,
  Module,
  type INestApplication,
  type OnModuleInit,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_BUS, EventBusModule, type EventBus } from '@ccx/event-bus';
import { createLogger, createMetricsRegistry } from '@ccx/observability';
import { ServiceKitModule } from '@ccx/service-kit';
import { configChange, openTestBus, waitFor } from '../../support/bus';
import { redisUrl, uniquePrefix } from '../../support/redis';

const received: number[] = [];

@Injectable()
class ConfigListener implements OnModuleInit {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}
  async onModuleInit() {
    await this.bus.subscribe(
      'module-test',
      ['config.changed'],
      async (e) => void received.push(e.data.revision),
    );
  }
}

@Module({ providers: [ConfigListener] })
class FeatureModule {}

async function startApp(prefix: string): Promise<INestApplication> {
  const info = { name: 'module-test', instanceId: 'module-test-1', startedAt: new Date() };
  const logger = createLogger('module-test', 'silent');
  const metrics = createMetricsRegistry('module-test');
  @Module({
    imports: [
      ServiceKitModule.forRoot({ info, logger, metrics, redisUrl: redisUrl() }),
      EventBusModule.forRoot({
        redisUrl: redisUrl(),
        prefix,
        source: info.name,
        instanceId: info.instanceId,
      }),
      FeatureModule,
    ],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('EventBusModule', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('provides EVENT_BUS, reports health and metrics, and closes the bus on shutdown', async () => {
    const prefix = uniquePrefix('module');
    app = await startApp(prefix);
    const http = () => request(app?.getHttpServer());
    const health = await http().get('/health').expect(200);
    expect(health.body.info['event-bus']).toMatchObject({
      status: 'up',
      redis: 'up',
      workers: 1,
      running: 1,
    });

    const publisher = openTestBus({ prefix });
    try {
      await publisher.publish('config.changed', configChange(42));
      await waitFor('the module subscriber', () => received.includes(42));
    } finally {
      await publisher.close();
    }
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /ccx_bus_handled_total\{event="config.changed",group="module-test",service="module-test"\} 1/,
    );
    expect(metrics.text).toMatch(/ccx_bus_handle_duration_seconds_bucket/);

    const bus = app.get<EventBus>(EVENT_BUS);
    await app.close();
    app = undefined;
    await expect(bus.publish('config.changed', configChange(1))).rejects.toThrow(/closed/);
  });
});
