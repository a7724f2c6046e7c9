import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SbcAppModule } from '../../../apps/sbc/src/app.module';
import { loadSbcConfig } from '../../../apps/sbc/src/config';
import { sbcSettings } from '../../../libs/sbc-policy/src/config';
import {
  settingsFromLive,
  type LiveNumberRangeRow,
  type LiveSiteRow,
  type LiveTenantRow,
  type LiveTrunkRow,
} from '../../../libs/sbc-policy/src/from-live-config';
import { LIVE_CONFIG, type LiveConfig } from '@ccx/live-config';
import { createServiceContext } from '@ccx/service-kit';
import { startTestApi, type TestApi } from '../../support/api';
import { waitFor } from '../../support/bus';
import { backends } from '../../support/database';

describe.each(backends)(
  "a running SBC follows a tenant's own settings from the API (%s)",
  (backend) => {
    let api: TestApi;
    let sbc: INestApplication;
    let sbcUrl: string;
    let key: string;

    const seen = async <T>(tenant: string, resource: string): Promise<T[]> => {
      const res = await fetch(`${sbcUrl}/live-config/${tenant}/${resource}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: T[] }).items;
    };
    const operator = () => ({
      patch: (path: string, body: object) =>
        api.http().patch(path).set('authorization', `Bearer ${api.adminKey}`).send(body),
    });

    beforeAll(async () => {
      api = await startTestApi(backend);
      // Created before the SBC starts: it must come with the start-up load, not an event.
      key = await api.createTenant('fabrikam');
      expect(
        (await operator().patch('/v1/tenants/fabrikam', { teamsSubdomain: 'fabrikam' })).status,
      ).toBe(200);
      const config = loadSbcConfig({
        LOG_LEVEL: 'silent',
        REDIS_URL: api.config.REDIS_URL,
        BUS_PREFIX: api.config.BUS_PREFIX,
        DATABASE_URL: api.db.url,
        // A tenant with a Teams subdomain needs the carrier's base domain.
        SBC_TEAMS_BASE_DOMAIN: 'sbc.carrier.example',
        SBC_SIP_LISTEN: 'udp:127.0.0.1:0',
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

    it('loads tenants at start and picks up a change to their SBC fields', async () => {
      const [loaded] = await seen<LiveTenantRow>('fabrikam', 'tenant');
      expect(loaded).toMatchObject({ id: 'fabrikam', teamsSubdomain: 'fabrikam', maxCalls: null });

      const dialPlan = [{ pattern: '^0(\\d+)$', translation: '+49$1' }];
      const patched = await operator().patch('/v1/tenants/fabrikam', {
        maxCalls: 12,
        callerIdPolicy: 'allow',
        dialPlan,
      });
      expect(patched.status, patched.text).toBe(200);
      await waitFor('the SBC to follow the tenant change', async () => {
        const [t] = await seen<LiveTenantRow>('fabrikam', 'tenant');
        return t?.maxCalls === 12;
      });
      const [tenant] = await seen<LiveTenantRow>('fabrikam', 'tenant');
      expect(tenant).toMatchObject({ maxCalls: 12, callerIdPolicy: 'allow', dialPlan });
    });

    it('lists the tenants it holds, and drops a deleted one', async () => {
      const live = sbc.get<LiveConfig>(LIVE_CONFIG);
      await api.createTenant('northwind');
      await waitFor('the SBC to see the new tenant', async () =>
        (await live.tenantIds()).includes('northwind'),
      );
      expect(await live.tenantIds()).toEqual(['fabrikam', 'northwind']);
      const deleted = await api
        .http()
        .delete('/v1/tenants/northwind')
        .set('authorization', `Bearer ${api.adminKey}`);
      expect(deleted.status).toBe(204);
      await waitFor(
        'the SBC to drop the tenant',
        async () => !(await live.tenantIds()).includes('northwind'),
      );
      expect(await seen<LiveTenantRow>('northwind', 'tenant')).toEqual([]);
    });

    it('projects rows that settingsFromLive turns into valid SBC settings', async () => {
      const auth = { authorization: `Bearer ${key}` };
      const site = await api
        .http()
        .post('/v1/sites')
        .set(auth)
        .send({ name: 'Munich', kind: 'branch', country: 'DE', localEgress: true });
      expect(site.status, site.text).toBe(201);
      const trunk = await api
        .http()
        .post('/v1/trunks')
        .set(auth)
        .send({
          name: 'itsp-de',
          kind: 'itsp',
          siteId: (site.body as { id: string }).id,
          host: 'sip.carrier.example',
          address: '192.0.2.20',
          port: 5060,
          transport: 'udp',
          maxChannels: 20,
          codecs: ['PCMA'],
          priority: 7,
          headerRules: [{ direction: 'out', action: 'remove', header: 'P-Early-Media' }],
        });
      expect(trunk.status, trunk.text).toBe(201);
      await waitFor('the SBC to see the trunk', async () => {
        return (await seen<LiveTrunkRow>('fabrikam', 'trunk')).length === 1;
      });

      const settings = sbcSettings.parse(
        settingsFromLive({
          tenants: await seen<LiveTenantRow>('fabrikam', 'tenant'),
          sites: await seen<LiveSiteRow>('fabrikam', 'site'),
          trunks: await seen<LiveTrunkRow>('fabrikam', 'trunk'),
          numberRanges: await seen<LiveNumberRangeRow>('fabrikam', 'number-range'),
        }),
      );
      const [tenant] = settings.tenants;
      expect(tenant).toMatchObject({
        id: 'fabrikam',
        teamsSubdomain: 'fabrikam',
        maxCalls: 12,
        sites: [{ name: 'Munich', localEgress: true }],
        trunks: [
          {
            name: 'itsp-de',
            priority: 7,
            sources: ['192.0.2.20'],
            headerRules: [{ direction: 'out', action: 'remove', header: 'P-Early-Media' }],
          },
        ],
      });
    });
  },
);
