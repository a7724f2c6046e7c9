import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';

describe.each(backends)('GET /v1/bandwidth (%s)', (backend) => {
  let api: TestApi;
  let t: Client;

  beforeAll(async () => {
    api = await startTestApi(backend);
    t = clientFor(api, await api.createTenant('bw'));
  });
  afterAll(async () => {
    await api?.close();
  });

  const kbpsOf = async (query: string) => {
    const res = await t.get(`/v1/bandwidth?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as { kbps: number; headerBytes: number; totalKbps?: number; channels?: number };
  };

  it('answers the textbook G.711 figures', async () => {
    // 160 bytes + 40 of RTP/UDP/IPv4, 50 packets/s: 80 kbit/s.
    expect(await kbpsOf('codec=PCMA&ptime=20&ip=4&srtp=false')).toMatchObject({
      kbps: 80,
      headerBytes: 40,
      payloadBytes: 160,
      packetsPerSecond: 50,
      codecKbps: 64,
    });
    expect((await kbpsOf('codec=PCMU&ptime=20&ip=4&srtp=true')).kbps).toBe(84);
    expect((await kbpsOf('codec=PCMA&ptime=20&ip=6')).kbps).toBe(88);
    expect((await kbpsOf('ptime=30')).kbps).toBeCloseTo(74.67, 2);
    expect((await kbpsOf('ptime=20&linkBytes=38')).kbps).toBe(95.2);
  });

  it("totals a channel count, or a trunk's maxChannels at its ptime", async () => {
    expect(await kbpsOf('ptime=20&channels=30')).toMatchObject({ channels: 30, totalKbps: 2400 });
    const trunk = await t.post('/v1/trunks', {
      name: 'itsp',
      kind: 'itsp',
      host: '192.0.2.1',
      port: 5060,
      transport: 'udp',
      maxChannels: 10,
      ptime: 30,
    });
    expect(trunk.status, trunk.text).toBe(201);
    const id = (trunk.body as { id: string }).id;
    const figure = await kbpsOf(`trunkId=${id}`);
    expect(figure).toMatchObject({ trunkId: id, ptime: 30, channels: 10, totalKbps: 746.67 });
    expect(await kbpsOf(`trunkId=${id}&ptime=20&channels=3`)).toMatchObject({
      ptime: 20,
      channels: 3,
      totalKbps: 240,
    });
  });

  it('refuses a bad query with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['codec=G729', 'codec'],
      ['ptime=5', 'ptime'],
      ['ptime=abc', 'ptime'],
      ['ip=5', 'ip'],
      ['srtp=yes', 'srtp'],
      ['channels=0', 'channels'],
      ['trunkId=nope', 'trunkId'],
      ['trunkId=00000000-0000-4000-8000-000000000000', 'trunkId'],
      ['bitrate=64', 'bitrate'],
    ] as const) {
      const res = await t.get(`/v1/bandwidth?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body), query).toEqual([field]);
    }
  });
});
