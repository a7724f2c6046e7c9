import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, runMigrations } from '@ccx/persistence';
import { backends, openTestDatabase, type TestDatabase } from '../../support/database';

/** A copy of the shipped migrations that stops after `count` of them. */
function migrationsUpTo(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const Q1 = '11111111-1111-4111-8111-111111111111';
const Q2 = '22222222-2222-4222-8222-222222222222';
const SKILL = '33333333-3333-4333-8333-333333333333';

describe.each(backends)('migration 0003 moves old routing rows to the new fields (%s)', (b) => {
  let db: TestDatabase;
  let oldMigrations: string;

  beforeAll(async () => {
    db = await openTestDatabase(b, { migrate: false });
    oldMigrations = migrationsUpTo(3);
    await migrate(drizzle(db.pool), { migrationsFolder: oldMigrations });
    const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
    await q(`insert into tenants (id, name) values ('old', 'Old')`);
    await q(`insert into skills (id, tenant_id, name) values ($1, 'old', 'german')`, [SKILL]);
    const skillsAt = (level: number) => JSON.stringify([{ skillId: SKILL, minLevel: level }]);
    await q(
      `insert into queues (id, tenant_id, name, strategy, required_skills, max_wait_seconds,
         overflow_queue_id) values ($1, 'old', 'first', 'skills-weighted', $2, 60, null)`,
      [Q1, skillsAt(7)],
    );
    await q(
      `insert into queues (id, tenant_id, name, strategy, required_skills, max_wait_seconds,
         overflow_queue_id) values ($1, 'old', 'second', 'round-robin', $2, 30, $3)`,
      [Q2, skillsAt(1), Q1],
    );
    const agent = (upn: string, level: number, maxConcurrent: number) =>
      q(
        `insert into agents (tenant_id, display_name, upn, skills, max_concurrent)
         values ('old', $1, $1, $2, $3)`,
        [upn, JSON.stringify([{ skillId: SKILL, level }]), maxConcurrent],
      );
    await agent('one@example.com', 10, 1);
    await agent('three@example.com', 4, 3);
    await runMigrations(db);
  });
  afterAll(async () => {
    await db?.destroy();
    if (oldMigrations) rmSync(oldMigrations, { recursive: true, force: true });
  });

  it('turns strategy into method, overflowQueueId into overflow and halves skill levels', async () => {
    const { rows } = await db.pool.query(
      `select name, method, overflow, required_skills, max_size, serial_order, hours
       from queues order by name`,
    );
    expect(rows).toEqual([
      {
        name: 'first',
        method: 'most-proficient',
        overflow: { kind: 'disconnect' },
        required_skills: [{ skillId: SKILL, minLevel: 4 }],
        max_size: 100,
        serial_order: [],
        hours: null,
      },
      {
        name: 'second',
        method: 'round-robin',
        overflow: { kind: 'queue', target: Q1 },
        required_skills: [{ skillId: SKILL, minLevel: 1 }],
        max_size: 100,
        serial_order: [],
        hours: null,
      },
    ]);
  });

  it('turns maxConcurrent into capacity and halves agent skill levels', async () => {
    const { rows } = await db.pool.query(
      `select upn, skills, capacity, opt_out_queues, max_missed_offers, phone_number
       from agents order by upn`,
    );
    expect(rows).toEqual([
      {
        upn: 'one@example.com',
        skills: [{ skillId: SKILL, level: 5 }],
        capacity: { voice: 1, chat: 0 },
        opt_out_queues: [],
        max_missed_offers: 3,
        phone_number: null,
      },
      {
        upn: 'three@example.com',
        skills: [{ skillId: SKILL, level: 2 }],
        capacity: { voice: 1, chat: 2 },
        opt_out_queues: [],
        max_missed_offers: 3,
        phone_number: null,
      },
    ]);
  });
});
