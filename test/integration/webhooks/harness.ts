import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventBus } from '@ccx/event-bus';
import type { EventBus } from '@ccx/event-bus';
import { tenants, webhookSubscriptions } from '@ccx/persistence';
import { SecretBox } from '@ccx/security';
import {
  defaultWebhookSettings,
  encodeSecretSet,
  generateWebhookSecret,
  WebhookRuntime,
  type WebhookSettings,
} from '@ccx/webhooks';
import { openTestDatabase, type Backend, type TestDatabase } from '../../support/database';
import { redisUrl, uniquePrefix } from '../../support/redis';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A real HTTP receiver on 127.0.0.1 answering with the status `respond` picks. */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (n: number, req: ReceivedRequest) => number = () => 200;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const got: ReceivedRequest = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status: 0,
        };
        got.status = receiver.respond(receiver.requests.length + 1, got);
        receiver.requests.push(got);
        res.writeHead(got.status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Fast knobs: the whole retry and disable cycle runs in well under a second. */
export const fastSettings = (overrides: Partial<WebhookSettings> = {}): WebhookSettings =>
  defaultWebhookSettings({
    allowPrivateTargets: true,
    timeoutMs: 2_000,
    retry: { attempts: 4, baseMs: 20, capMs: 80, jitter: 0.2 },
    disableAfterFailedDeliveries: 2,
    concurrency: 16,
    cacheTtlMs: 60_000,
    ...overrides,
  });

export interface Harness {
  db: TestDatabase;
  bus: EventBus;
  box: SecretBox;
  runtime: WebhookRuntime;
  settings: WebhookSettings;
  prefix: string;
  /** A fresh tenant, so each test sees only its own subscriptions. */
  newTenant(): Promise<string>;
  /** Inserts a subscription directly (no target check): for testing delivery itself. */
  addSubscription(
    tenantId: string,
    url: string,
    eventTypes: string[],
  ): Promise<{ id: string; secret: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  backend: Backend,
  settings: WebhookSettings = fastSettings(),
): Promise<Harness> {
  const db = await openTestDatabase(backend);
  const prefix = uniquePrefix('wh');
  const bus = createEventBus({ redisUrl: redisUrl(), prefix, source: 'webhook-test' });
  const box = new SecretBox('webhook-test-master-key');
  let tenantNo = 0;
  const runtime = new WebhookRuntime({
    db: db.db,
    box,
    bus,
    settings,
    connection: { redisUrl: redisUrl(), prefix, name: 'webhook-test' },
  });
  await runtime.start();
  return {
    db,
    bus,
    box,
    runtime,
    settings,
    prefix,
    async newTenant() {
      const id = `tenant-${++tenantNo}`;
      await db.db.insert(tenants).values({ id, name: id });
      return id;
    },
    async addSubscription(tenantId, url, eventTypes) {
      const secret = generateWebhookSecret();
      const [row] = await db.db
        .insert(webhookSubscriptions)
        .values({
          tenantId,
          url,
          eventTypes,
          secretCiphertext: box.seal(encodeSecretSet({ current: secret })),
        })
        .returning();
      runtime.cache.invalidate(tenantId);
      return { id: row!.id, secret };
    },
    async close() {
      await runtime.close();
      await bus.close();
      await db.destroy();
    },
  };
}
