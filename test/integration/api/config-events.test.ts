import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '@ccx/contracts';
import type { EventBus, Subscription } from '@ccx/event-bus';
import { startTestApi, type TestApi } from '../../support/api';
import { openTestBus, waitFor } from '../../support/bus';
import { backends } from '../../support/database';
import { clientFor, type Client } from './support/client';

type ConfigChanged = EventOf<'config.changed'>;

describe.each(backends)('config.changed on the real bus (%s)', (backend) => {
  let api: TestApi;
  let bus: EventBus;
  let subscription: Subscription;
  let t: Client;
  const seen: ConfigChanged[] = [];
  const of = (id: string) => seen.filter((e) => e.data.id === id);

  beforeAll(async () => {
    api = await startTestApi(backend);
    // Another service: its own bus instance on the same Redis and prefix, its own group.
    bus = openTestBus({ prefix: api.config.BUS_PREFIX, source: 'observer' });
    subscription = await bus.subscribe('config-observer', ['config.changed'], async (event) => {
      seen.push(event);
    });
    t = clientFor(api, await api.createTenant('events'));
  });
  afterAll(async () => {
    await subscription?.close();
    await bus?.close();
    await api?.close();
  });

  it('announces create, patch and delete with the revision, after commit', async () => {
    const created = await t.post('/v1/skills', { name: 'spanish' });
    const id = created.body.id as string;
    await waitFor('created', () => of(id).length === 1);
    const patched = await t.patch(`/v1/skills/${id}`, { description: 'habla' });
    expect(patched.status).toBe(200);
    await waitFor('updated', () => of(id).length === 2);
    await t.delete(`/v1/skills/${id}`);
    await waitFor('deleted', () => of(id).length === 3);
    expect(of(id).map((e) => [e.data.action, e.data.revision])).toEqual([
      ['created', 1],
      ['updated', 2],
      ['deleted', 3],
    ]);
    for (const event of of(id)) {
      expect(event).toMatchObject({
        name: 'config.changed',
        tenantId: 'events',
        source: 'api',
        data: { resource: 'skill', id },
      });
    }
  });

  // How fast is measured by `npm run bench -- config`; this checks what arrives.
  it('sees a PATCH, and the object it re-reads is already the new one', async () => {
    const site = await t.post('/v1/sites', { name: 'Madrid', kind: 'branch', country: 'ES' });
    const id = site.body.id as string;
    await waitFor('site created', () => of(id).length === 1);
    await t.patch(`/v1/sites/${id}`, { name: 'Madrid II' });
    await waitFor('site updated', () => of(id).length === 2);
    const reread = await t.get(`/v1/sites/${id}`);
    expect(reread.body).toMatchObject({ name: 'Madrid II', revision: of(id)[1]?.data.revision });
  });

  it('announces nothing for a refused change', async () => {
    const site = await t.post('/v1/sites', { name: 'Sevilla', kind: 'branch', country: 'ES' });
    const id = site.body.id as string;
    await waitFor('site created', () => of(id).length === 1);
    expect((await t.patch(`/v1/sites/${id}`, { country: 'XX' })).status).toBe(400);
    expect((await t.patch(`/v1/sites/${id}`, { name: 'Madrid II' })).status).toBe(409);
    // A later change proves the bus is flowing; the refused ones never show up.
    await t.patch(`/v1/sites/${id}`, { name: 'Sevilla II' });
    await waitFor('site updated', () => of(id).length === 2);
    expect(of(id).map((e) => e.data.revision)).toEqual([1, 2]);
  });

  it('announces tenant changes made by the operator', async () => {
    const operator = clientFor(api, api.adminKey);
    await operator.patch('/v1/tenants/events', { name: 'Events Inc' });
    await waitFor('tenant updated', () =>
      seen.some(
        (e) =>
          e.data.resource === 'tenant' && e.data.id === 'events' && e.data.action === 'updated',
      ),
    );
  });
});
