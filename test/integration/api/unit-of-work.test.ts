import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigEvents, TenantScope, UnitOfWork } from '@ccx/control-plane';
import type { EventOf } from '@ccx/contracts';
import type { EventBus, Subscription } from '@ccx/event-bus';
import { skills, tenants } from '@ccx/persistence';
import { busPool, sleep, waitFor } from '../../support/bus';
import { backends, openTestDatabase, type TestDatabase } from '../../support/database';

describe.each(backends)('unit of work: all or nothing, events after commit (%s)', (backend) => {
  let db: TestDatabase;
  const buses = busPool('uow');
  let publisher: EventBus;
  let subscription: Subscription;
  let uow: UnitOfWork;
  let scope: TenantScope;
  const seen: EventOf<'config.changed'>[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await db.db.insert(tenants).values({ id: 'uow', name: 'UoW' });
    publisher = buses.open({ source: 'api' });
    subscription = await buses
      .open({ source: 'observer' })
      .subscribe('uow-observer', ['config.changed'], async (e) => {
        seen.push(e);
      });
    uow = new UnitOfWork(db.db);
    scope = new TenantScope('uow', uow, new ConfigEvents(uow, publisher));
  });
  afterAll(async () => {
    await subscription?.close();
    await buses.closeAll();
    await db?.destroy();
  });

  it('rolls back every write of a failed unit and announces none of them', async () => {
    await expect(
      uow.run(async () => {
        await scope.insert(skills, { name: 'first' });
        await scope.insert(skills, { name: 'second' });
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    const { rows } = await db.pool.query(`select * from skills where tenant_id = 'uow'`);
    expect(rows).toEqual([]);
    const ok = await uow.run(() => scope.insert(skills, { name: 'third' }));
    await waitFor('the committed change', () => seen.some((e) => e.data.id === ok.id));
    await sleep(200);
    expect(seen.map((e) => e.data.id)).toEqual([ok.id]);
  });

  it('writes the tenant id itself, whatever the values say', async () => {
    await db.db.insert(tenants).values({ id: 'other', name: 'Other' });
    const row = await uow.run(() => scope.insert(skills, { name: 'sneaky', tenantId: 'other' }));
    expect(row.tenantId).toBe('uow');
    const updated = await uow.run(() => scope.update(skills, row.id, { tenantId: 'other' }));
    expect(updated?.tenantId).toBe('uow');
    const foreign = new TenantScope('other', uow, new ConfigEvents(uow, undefined));
    expect(await foreign.get(skills, row.id)).toBeUndefined();
    expect(await uow.run(() => foreign.delete(skills, row.id))).toBeUndefined();
    expect(await scope.get(skills, row.id)).toBeDefined();
  });
});
