// The SBC configured through the control-plane API: a tenant, two trunks and a number range
// created over REST reach the running SBC (config.changed → projection → settings), a SIPp call
// is routed with them, and disabling the ITSP trunk turns its calls away with 403.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceContext } from '@ccx/service-kit';
import { SbcAppModule } from '../../apps/sbc/src/app.module';
import { loadSbcConfig } from '../../apps/sbc/src/config';
import { startTestApi, type TestApi } from '../support/api';
import { waitFor } from '../support/bus';
import { sippOk, startSipp } from '../support/sipp';

const SIP_PORT = 35700;
const ITSP = { host: '127.0.0.2', port: 35701 };
const PBX = { host: '127.0.0.3', port: 35702 };

describe('the SBC follows the control-plane API (PGlite)', () => {
  let api: TestApi;
  let sbc: INestApplication;
  let sbcUrl: string;
  let key: string;
  let itspId: string;

  const post = async (path: string, body: object) => {
    const res = await api.http().post(path).set('authorization', `Bearer ${key}`).send(body);
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string };
  };
  const peers = async (): Promise<string[]> => {
    const res = await fetch(`${sbcUrl}/sip/status`);
    return ((await res.json()) as { peers?: { key: string }[] }).peers?.map((p) => p.key) ?? [];
  };

  beforeAll(async () => {
    api = await startTestApi('pglite');
    key = await api.createTenant('acme');
    const config = loadSbcConfig({
      LOG_LEVEL: 'silent',
      REDIS_URL: api.config.REDIS_URL,
      BUS_PREFIX: api.config.BUS_PREFIX,
      DATABASE_URL: api.db.url,
      SBC_SIP_LISTEN: `udp:127.0.0.1:${SIP_PORT}`,
      SBC_MEDIA: 'embedded',
      SBC_RTP_PORT_MIN: '36400',
      SBC_RTP_PORT_MAX: '36499',
    });
    sbc = await NestFactory.create(
      SbcAppModule.forRoot(createServiceContext('sbc', 'silent'), config),
      {
        logger: false,
      },
    );
    await sbc.listen(0, '127.0.0.1');
    sbcUrl = `http://127.0.0.1:${(sbc.getHttpServer().address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await sbc?.close();
    await api?.close();
  });

  it('routes a call with trunks and numbers created over REST', async () => {
    itspId = (
      await post('/v1/trunks', {
        name: 'itsp',
        kind: 'itsp',
        host: ITSP.host,
        port: ITSP.port,
        transport: 'udp',
        maxChannels: 10,
      })
    ).id;
    const pbx = await post('/v1/trunks', {
      name: 'pbx',
      kind: 'pbx',
      host: PBX.host,
      port: PBX.port,
      transport: 'udp',
      maxChannels: 10,
    });
    await post('/v1/number-ranges', {
      firstNumber: '+4930123400',
      lastNumber: '+4930123499',
      trunkId: pbx.id,
    });
    await waitFor(
      'the SBC to run with both trunks',
      async () => (await peers()).length === 2,
      20_000,
    );

    const uas = await startSipp({
      scenario: 'uas-answer.xml',
      local: PBX,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const uac = await startSipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: `127.0.0.1:${SIP_PORT}`,
      transport: 'u1',
      service: '+4930123401',
      timeoutMs: 20_000,
    });
    await sippOk(uac);
    await sippOk(uas);
  }, 60_000);

  it('turns calls from a trunk disabled over REST away with 403', async () => {
    const res = await api
      .http()
      .patch(`/v1/trunks/${itspId}`)
      .set('authorization', `Bearer ${key}`)
      .send({ enabled: false });
    expect(res.status, res.text).toBe(200);
    await waitFor(
      'the SBC to drop the disabled trunk',
      async () => !(await peers()).includes(itspId),
      20_000,
    );
    const uac = await startSipp({
      scenario: 'uac-expect-403.xml',
      local: ITSP,
      remote: `127.0.0.1:${SIP_PORT}`,
      transport: 'u1',
      service: '+4930123401',
      timeoutMs: 20_000,
    });
    await sippOk(uac);
  }, 60_000);
});
