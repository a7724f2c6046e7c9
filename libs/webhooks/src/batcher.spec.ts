import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

describe('Batcher (group commit)', () => {
  it('serves concurrent pushes with one flush and answers each in order', async () => {
    const flushes: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((i) => b.push(i)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(flushes).toEqual([[1, 2, 3, 4]]);
  });

  it('gathers what arrives during a flush into the next one, within the size limit', async () => {
    const flushes: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = new Batcher<number, void>(
      async (items) => {
        flushes.push(items);
        if (flushes.length === 1) await gate;
        return items.map(() => undefined);
      },
      3,
      1,
    );
    const first = b.push(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map((i) => b.push(i));
    release();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('rejects every item of a failed flush and keeps working', async () => {
    let fail = true;
    const b = new Batcher<number, number>(async (items) => {
      if (fail) throw new Error('db down');
      return items;
    });
    await expect(Promise.all([b.push(1), b.push(2)])).rejects.toThrow('db down');
    fail = false;
    await expect(b.push(3)).resolves.toBe(3);
  });
});
