import { describe, expect, it } from 'vitest';
import { RequestCache } from './request-cache';

describe('RequestCache', () => {
  it('runs a request once; a retry gets the first reply, even while the first still runs', async () => {
    const cache = new RequestCache();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return { port: 30000 + runs };
    };
    const [x, y] = await Promise.all([cache.run('k', work), cache.run('k', work)]);
    expect(x).toEqual({ port: 30001 });
    expect(y).toBe(x);
    expect(await cache.run('k', work)).toBe(x);
    expect(runs).toBe(1);
  });

  it('forgets failures so a retry runs again', async () => {
    const cache = new RequestCache();
    let runs = 0;
    const flaky = async () => {
      runs++;
      if (runs === 1) throw new Error('ports exhausted');
      return 'ok';
    };
    await expect(cache.run('k', flaky)).rejects.toThrow('ports exhausted');
    await Promise.resolve();
    expect(await cache.run('k', flaky)).toBe('ok');
  });

  it('is bounded by age and by count', async () => {
    const cache = new RequestCache(1000, 3);
    for (let i = 0; i < 5; i++) await cache.run(`k${i}`, async () => i, 0);
    expect(cache.size).toBe(3);
    await cache.run('late', async () => 'x', 5000);
    expect(cache.size).toBe(1);
  });
});
