import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { seedTenant } from './support/fixtures';

interface Interval {
  intervalStart: string;
  label: string;
  offered: number;
  serviceLevel: number | null;
  asaMs: number | null;
  ahtMs: number | null;
  occupancy: number | null;
}
interface Body {
  queueId: string;
  from: string;
  to: string;
  intervals: Interval[];
}

describe.each(backends)('GET /v1/queues/{id}/intervals (%s)', (backend) => {
  let api: TestApi;
  let t: Client;
  let other: Client;
  let queueId: string;
  const now = Date.now();
  const quarter = (ago: number) => new Date(Math.floor(now / 900_000) * 900_000 - ago * 900_000);

  /** A row as the routing service writes it. */
  async function insert(
    tenantId: string,
    queue: string,
    start: Date,
    counts: Partial<Record<string, number>> = {},
  ) {
    const c = {
      offered: 0,
      answered: 0,
      abandoned: 0,
      short_abandoned: 0,
      answered_within_sl: 0,
      wait_ms_sum: 0,
      handle_ms_sum: 0,
      busy_ms: 0,
      staffed_ms: 0,
      ...counts,
    };
    await api.db.pool.query(
      `insert into queue_intervals (tenant_id, queue_id, interval_start, label, offered, answered,
         abandoned, short_abandoned, answered_within_sl, wait_ms_sum, handle_ms_sum, busy_ms, staffed_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        tenantId,
        queue,
        start,
        start.toISOString().slice(0, 16),
        c.offered,
        c.answered,
        c.abandoned,
        c.short_abandoned,
        c.answered_within_sl,
        c.wait_ms_sum,
        c.handle_ms_sum,
        c.busy_ms,
        c.staffed_ms,
      ],
    );
  }

  beforeAll(async () => {
    api = await startTestApi(backend);
    t = clientFor(api, await api.createTenant('qi-a'));
    other = clientFor(api, await api.createTenant('qi-b'));
    queueId = (await seedTenant(t, 1, [])).refs.queueId;
    await insert('qi-a', queueId, quarter(2), {
      offered: 12,
      answered: 8,
      abandoned: 2,
      short_abandoned: 2,
      answered_within_sl: 6,
      wait_ms_sum: 80_000,
      handle_ms_sum: 1_440_000,
      busy_ms: 600_000,
      staffed_ms: 1_800_000,
    });
    await insert('qi-a', queueId, quarter(1), { offered: 1, abandoned: 0, short_abandoned: 1 });
    await insert('qi-a', queueId, quarter(4 * 24 * 3));
  });
  afterAll(async () => {
    await api?.close();
  });

  const get = async (client: Client, path: string) => {
    const res = await client.get(path);
    return { status: res.status, body: res.body as Body, text: res.text };
  };

  it('lists the last 24 hours with service level, ASA, AHT and occupancy derived', async () => {
    const res = await get(t, `/v1/queues/${queueId}/intervals`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.intervals.map((i) => i.intervalStart)).toEqual([
      quarter(2).toISOString(),
      quarter(1).toISOString(),
    ]);
    expect(res.body.intervals[0]).toMatchObject({
      offered: 12,
      serviceLevel: 0.6, // 6 / (8 + 2): short abandons are left out
      asaMs: 10_000,
      ahtMs: 180_000,
      occupancy: 1 / 3,
    });
    // Denominators of 0 give null, not 0 or NaN.
    expect(res.body.intervals[1]).toMatchObject({
      offered: 1,
      serviceLevel: null,
      asaMs: null,
      ahtMs: null,
      occupancy: null,
    });
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(86_400_000);
  });

  it('honours from and to, up to 31 days', async () => {
    const from = quarter(4 * 24 * 4).toISOString();
    const to = quarter(1).toISOString();
    const res = await get(t, `/v1/queues/${queueId}/intervals?from=${from}&to=${to}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.intervals).toHaveLength(2);
    expect(res.body).toMatchObject({ from, to });
    const tooLong = await t.get(
      `/v1/queues/${queueId}/intervals?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:01Z`,
    );
    expect(tooLong.status).toBe(400);
    expect(fieldsOf(tooLong.body)).toEqual(['from']);
    const backwards = await t.get(
      `/v1/queues/${queueId}/intervals?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(fieldsOf(backwards.body)).toEqual(['from']);
    expect(fieldsOf((await t.get(`/v1/queues/${queueId}/intervals?to=yesterday`)).body)).toEqual([
      'to',
    ]);
    expect(fieldsOf((await t.get(`/v1/queues/${queueId}/intervals?tenantId=qi-b`)).body)).toEqual([
      'tenantId',
    ]);
  });

  it("keeps a deleted queue's history, and another tenant's queue is not found", async () => {
    const gone = randomUUID();
    await insert('qi-a', gone, quarter(3), { offered: 5 });
    const res = await get(t, `/v1/queues/${gone}/intervals`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.intervals.map((i) => i.offered)).toEqual([5]);
    expect((await other.get(`/v1/queues/${queueId}/intervals`)).status).toBe(404);
    expect((await other.get(`/v1/queues/${gone}/intervals`)).status).toBe(404);
    expect((await t.get(`/v1/queues/${randomUUID()}/intervals`)).status).toBe(404);
    expect((await t.get('/v1/queues/nope/intervals')).status).toBe(404);
  });
});
