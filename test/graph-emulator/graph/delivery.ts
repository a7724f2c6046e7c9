import { randomUUID } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { EmulatorClock } from '../clock';

/**
 * Graph's side of webhooks: the validation handshake and the POSTs of change and lifecycle
 * notifications, with retries.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 *
 * - Handshake: POST {url}?validationToken=<opaque, URL-encoded> with an empty text/plain body; the
 *   endpoint must answer 200, text/plain, the decoded token as body, within 10 s.
 * - Notifications queue per URL; while a POST to a URL is in flight, later ones pile up and go
 *   together in the next POST (up to `maxBatch` items).
 * - A POST succeeds on any 2xx within 3 s. Otherwise its items are retried with back-off on the
 *   emulator clock (10 s, 20 s, 40 s ... at most 10 minutes apart) for up to 4 hours from the
 *   first attempt, then dropped; `onDrop` lets the subscription send a `missed` lifecycle event.
 */
export type DeliveryKind = 'validation' | 'notification' | 'lifecycle';

export interface DeliveryLogEntry {
  /** Emulator time of the attempt. */
  at: number;
  kind: DeliveryKind;
  url: string;
  attempt: number;
  /** HTTP status, when the endpoint answered. */
  status?: number;
  error?: string;
  /** The JSON body Graph posted (notification and lifecycle). */
  body?: unknown;
}

export interface QueuedItem {
  /** The changeNotification object (validationTokens are added per POST). */
  notification: Record<string, unknown>;
  /** Set when the POST must carry a validation token for this app in this tenant. */
  tokenFor?: { appId: string; tenantId: string };
  onDrop?: () => void;
  firstAttemptAt?: number;
  attempts: number;
  dueAt: number;
}

export interface DeliveryOptions {
  handshakeTimeoutMs: number;
  deliveryTimeoutMs: number;
  maxBatch: number;
  retryForMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  handshakeTimeoutMs: 10_000,
  deliveryTimeoutMs: 3_000,
  maxBatch: 100,
  retryForMs: 4 * 3600_000,
};

/** Where the "dead URL" test hook sends: nothing listens on port 1. */
const DEAD_URL = 'https://127.0.0.1:1/dead';

interface Queue {
  kind: DeliveryKind;
  url: string;
  items: QueuedItem[];
  inFlight: boolean;
}

export class Delivery {
  options: DeliveryOptions = { ...DEFAULT_DELIVERY };
  readonly log: DeliveryLogEntry[] = [];
  private agent: Agent;
  private readonly extraCas: string[] = [];
  private readonly queues = new Map<string, Queue>();
  private paused = false;
  private deadNext = 0;

  constructor(
    private readonly clock: EmulatorClock,
    /** Builds the POSTed body for a batch (adds validationTokens). */
    private readonly payload: (items: QueuedItem[]) => Promise<Record<string, unknown>>,
  ) {
    this.agent = this.makeAgent();
  }

  /** Trusts another CA for the subscribers' HTTPS endpoints (besides the public ones). */
  trustCa(pem: string): void {
    this.extraCas.push(pem);
    const old = this.agent;
    this.agent = this.makeAgent();
    void old.close();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  failNext(n: number): void {
    this.deadNext += n;
  }

  /**
   * The validation handshake; resolves to undefined when the endpoint passed, else to Graph's
   * error message.
   */
  async validate(url: string): Promise<string | undefined> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    const entry: DeliveryLogEntry = { at: this.clock.now(), kind: 'validation', url, attempt: 1 };
    this.log.push(entry);
    try {
      const res = await request(target, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(this.options.handshakeTimeoutMs),
      });
      const text = await res.body.text();
      entry.status = res.statusCode;
      if (res.statusCode !== 200) {
        return 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
      }
      const type = String(res.headers['content-type'] ?? '');
      if (!type.toLowerCase().startsWith('text/plain')) {
        return 'Subscription validation request failed. Response must have Content-Type text/plain.';
      }
      if (text !== token) {
        return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
      }
      return undefined;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        return 'Subscription validation request timed out.';
      }
      return 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
    }
  }

  enqueue(
    kind: 'notification' | 'lifecycle',
    url: string,
    item: Omit<QueuedItem, 'attempts' | 'dueAt'>,
  ): void {
    const key = `${kind} ${url}`;
    let q = this.queues.get(key);
    if (!q) {
      q = { kind, url, items: [], inFlight: false };
      this.queues.set(key, q);
    }
    q.items.push({ ...item, attempts: 0, dueAt: this.clock.now() });
    this.kick();
  }

  /** Starts a POST on every queue that has due items and none in flight. */
  kick(): void {
    if (this.paused) return;
    const now = this.clock.now();
    for (const q of this.queues.values()) {
      if (q.inFlight) continue;
      const due = q.items.filter((i) => i.dueAt <= now).slice(0, this.options.maxBatch);
      if (due.length === 0) continue;
      q.items = q.items.filter((i) => !due.includes(i));
      q.inFlight = true;
      void this.send(q, due).finally(() => {
        q.inFlight = false;
        this.kick();
      });
    }
  }

  /** True while a POST is in flight or an item is due (a test waits for this to end). */
  busy(): boolean {
    if (this.paused) return false;
    const now = this.clock.now();
    for (const q of this.queues.values()) {
      if (q.inFlight || q.items.some((i) => i.dueAt <= now)) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    this.queues.clear();
    await this.agent.close();
  }

  private async send(q: Queue, items: QueuedItem[]): Promise<void> {
    const now = this.clock.now();
    for (const i of items) {
      i.attempts += 1;
      i.firstAttemptAt ??= now;
    }
    const body = await this.payload(items);
    const dead = this.deadNext > 0;
    if (dead) this.deadNext -= 1;
    const entry: DeliveryLogEntry = {
      at: now,
      kind: q.kind,
      url: dead ? DEAD_URL : q.url,
      attempt: Math.max(...items.map((i) => i.attempts)),
      body,
    };
    this.log.push(entry);
    let delivered = false;
    try {
      const res = await request(dead ? DEAD_URL : q.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs),
      });
      await res.body.dump();
      entry.status = res.statusCode;
      delivered = res.statusCode >= 200 && res.statusCode < 300;
    } catch (err) {
      entry.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (delivered) return;
    const later = this.clock.now();
    for (const i of items) {
      if (later - (i.firstAttemptAt ?? later) >= this.options.retryForMs) {
        i.onDrop?.();
        continue;
      }
      i.dueAt = later + Math.min(10_000 * 2 ** (i.attempts - 1), 600_000);
      q.items.push(i);
    }
  }

  private makeAgent(): Agent {
    return new Agent({
      connect: { ca: [...rootCertificates, ...this.extraCas] },
      keepAliveTimeout: 10_000,
    });
  }
}
