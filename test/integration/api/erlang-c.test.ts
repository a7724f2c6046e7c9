import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { clientFor, fieldsOf, type Client } from './support/client';

// Pure maths behind the API: one backend is enough.
describe('POST /v1/erlang-c', () => {
  let api: TestApi;
  let t: Client;

  beforeAll(async () => {
    api = await startTestApi('pglite');
    t = clientFor(api, await api.createTenant('erlang'));
  });
  afterAll(async () => {
    await api?.close();
  });

  const classic = { arrivals: 100, intervalSeconds: 1800, ahtSeconds: 180, thresholdSeconds: 20 };

  it('answers the textbook case: 100 calls in 30 min, AHT 180 s, 80/20 needs 14 agents', async () => {
    const res = await t.post('/v1/erlang-c', { ...classic, targetServiceLevel: 0.8 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      agents: 14,
      scheduledAgents: 14,
      trafficErlangs: 10,
      stable: true,
    });
    const body = res.body as { serviceLevel: number; occupancy: number; asaSeconds: number };
    expect(body.serviceLevel).toBeCloseTo(0.888, 3);
    expect(body.occupancy).toBeCloseTo(10 / 14, 6);
    expect(body.asaSeconds).toBeGreaterThan(0);
  });

  it('schedules more agents for shrinkage and honours an occupancy cap', async () => {
    const shrunk = await t.post('/v1/erlang-c', {
      ...classic,
      targetServiceLevel: 0.8,
      shrinkage: 0.3,
    });
    expect(shrunk.body).toMatchObject({ agents: 14, scheduledAgents: 20 });
    const capped = await t.post('/v1/erlang-c', {
      ...classic,
      targetServiceLevel: 0.8,
      maxOccupancy: 0.5,
    });
    expect(capped.body).toMatchObject({ agents: 20 });
  });

  it('evaluates a given staffing instead of a target', async () => {
    const res = await t.post('/v1/erlang-c', { ...classic, agents: 13 });
    expect(res.status, res.text).toBe(200);
    expect((res.body as { serviceLevel: number }).serviceLevel).toBeCloseTo(0.796, 3);
    const unstable = await t.post('/v1/erlang-c', { ...classic, agents: 10 });
    expect(unstable.body).toMatchObject({
      agents: 10,
      stable: false,
      serviceLevel: 0,
      asaSeconds: null,
      probabilityOfWaiting: 1,
    });
  });

  it.each([
    [{ ...classic, targetServiceLevel: 1.5 }, 'targetServiceLevel'],
    [{ ...classic, intervalSeconds: 0, targetServiceLevel: 0.8 }, 'intervalSeconds'],
    [{ ...classic, arrivals: -1, targetServiceLevel: 0.8 }, 'arrivals'],
    [{ ...classic, shrinkage: 1, targetServiceLevel: 0.8 }, 'shrinkage'],
    [{ ...classic, agents: 2.5 }, 'agents'],
    [classic, 'targetServiceLevel'],
    [{ ...classic, agents: 12, targetServiceLevel: 0.8 }, 'targetServiceLevel'],
    [{ ...classic, ahtSeconds: 'long', targetServiceLevel: 0.8 }, 'ahtSeconds'],
    [{ ...classic, targetServiceLevel: 0.8, tenantId: 'other' }, 'tenantId'],
    [{ ...classic, arrivals: 1e9, ahtSeconds: 86_400, targetServiceLevel: 0.8 }, 'arrivals'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await t.post('/v1/erlang-c', body);
    expect(res.status, res.text).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toContain(field);
  });
});
