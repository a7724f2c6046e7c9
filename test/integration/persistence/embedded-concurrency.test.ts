import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@ccx/persistence';

/**
 * Several connections to the embedded server at once, each running parameterised queries (the
 * extended protocol: Parse, Bind, Execute, Sync). PGlite is one backend: if the messages of two
 * connections interleave, one gets "unnamed prepared statement does not exist" or, worse,
 * another connection's result.
 */
describe('embedded PGlite under concurrent connections', () => {
  let pg: EmbeddedPostgres;
  let pool: Pool;
  beforeAll(async () => {
    pg = await startEmbeddedPostgres();
    pool = new Pool({ connectionString: pg.url, max: 8 });
  });
  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
  });

  it('answers every parameterised query with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        // Different statement texts, as an application sends.
        pool.query<{ n: number; s: string; k: number }>(
          `select $1::int as n, $2::text as s, ${i % 5} as k`,
          [i, `q${i}`],
        ),
      ),
    );
    results.forEach((r, i) => expect(r.rows).toEqual([{ n: i, s: `q${i}`, k: i % 5 }]));
  });

  it('keeps single queries right while other connections run transactions', async () => {
    await pool.query('create table if not exists notes (id int primary key, body text not null)');
    const tx = Array.from({ length: 30 }, async (_, i) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into notes values ($1, $2)', [i, `note ${i}`]);
        const { rows } = await client.query<{ body: string }>(
          'select body from notes where id = $1',
          [i],
        );
        expect(rows).toEqual([{ body: `note ${i}` }]);
        await client.query('commit');
      } finally {
        client.release();
      }
    });
    const single = Array.from({ length: 200 }, async (_, i) => {
      const { rows } = await pool.query<{ n: number }>(`select $1::int + ${i % 3} as n`, [i]);
      expect(rows).toEqual([{ n: i + (i % 3) }]);
    });
    await Promise.all([...tx, ...single]);
  });

  it('keeps transactions of different connections apart', async () => {
    await pool.query('create table if not exists counter (id int primary key, n int not null)');
    await pool.query('insert into counter values (1, 0) on conflict (id) do update set n = 0');
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const { rows } = await client.query<{ n: number }>(
            'select n from counter where id = $1',
            [1],
          );
          await client.query('update counter set n = $1 where id = $2', [(rows[0]?.n ?? 0) + 1, 1]);
          await client.query('commit');
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query<{ n: number }>('select n from counter where id = 1');
    expect(rows[0]?.n).toBe(40);
  });
});
