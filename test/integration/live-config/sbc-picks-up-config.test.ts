import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SbcAppModule } from '../../../apps/sbc/src/app.module';
import { loadSbcConfig } from '../../../apps/sbc/src/config';
import { createServiceContext } from '@ccx/service-kit';
import { startTestApi, type TestApi } from '../../support/api';
import { waitFor } from '../../support/bus';
import { backends } from '../../support/database';

interface Trunk {
  id: string;
  name: string;
  maxChannels: number;
}

describe.each(backends)(
  'a running SBC picks up trunk changes from the API without restart (%s)',
  (backend) => {
    let api: TestApi;
    let sbc: INestApplication;
    let sbcUrl: string;
    let key: string;

    const trunksSeenBySbc = async (tenant: string) =>
      ((await (await fetch(`${sbcUrl}/live-config/${tenant}/trunk`)).json()) as { items: Trunk[] })
        .items;

    beforeAll(async () => {
      api = await startTestApi(backend);
      key = await api.createTenant('acme');
      await api.createTenant('globex');
      const config = loadSbcConfig({
        LOG_LEVEL: 'silent',
        REDIS_URL: api.config.REDIS_URL,
        BUS_PREFIX: api.config.BUS_PREFIX,
        DATABASE_URL: api.db.url,
      });
      const ctx = createServiceContext('sbc', 'silent');
      sbc = await NestFactory.create(SbcAppModule.forRoot(ctx, config), { logger: false });
      await sbc.listen(0, '127.0.0.1');
      sbcUrl = `http://127.0.0.1:${(sbc.getHttpServer().address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await sbc?.close();
      await api?.close();
    });

    it('sees a trunk created, updated and deleted through the API', async () => {
      const created = await api
        .http()
        .post('/v1/trunks')
        .set('authorization', `Bearer ${key}`)
        .send({
          name: 'itsp-de',
          kind: 'itsp',
          host: '192.0.2.1',
          port: 5060,
          transport: 'udp',
          maxChannels: 30,
          codecs: ['PCMA'],
        });
      expect(created.status).toBe(201);
      const id = (created.body as Trunk).id;

      await waitFor('the SBC to follow the change', async () => {
        const t = await trunksSeenBySbc('acme');
        return t.length === 1;
      });
      let seen = await trunksSeenBySbc('acme');
      expect(seen.map((t) => [t.id, t.maxChannels])).toEqual([[id, 30]]);
      expect(await trunksSeenBySbc('globex')).toEqual([]);

      const patched = await api
        .http()
        .patch(`/v1/trunks/${id}`)
        .set('authorization', `Bearer ${key}`)
        .send({ maxChannels: 60 });
      expect(patched.status).toBe(200);
      await waitFor('the SBC to follow the change', async () => {
        const t = await trunksSeenBySbc('acme');
        return t[0]?.maxChannels === 60;
      });
      seen = await trunksSeenBySbc('acme');
      expect(seen[0]?.maxChannels).toBe(60);

      expect(
        (await api.http().delete(`/v1/trunks/${id}`).set('authorization', `Bearer ${key}`)).status,
      ).toBe(204);
      await waitFor('the SBC to follow the change', async () => {
        const t = await trunksSeenBySbc('acme');
        return t.length === 0;
      });
      seen = await trunksSeenBySbc('acme');
      expect(seen).toEqual([]);
    });

    it('refuses to show anything for a malformed tenant or a resource it does not run with', async () => {
      expect((await fetch(`${sbcUrl}/live-config/NOT%20A%20TENANT/trunk`)).status).toBe(400);
      expect((await fetch(`${sbcUrl}/live-config/acme/webhook`)).status).toBe(400);
    });
  },
);
