import { describe, expect, it } from 'vitest';
import {
  emptySeqState,
  latestBySeq,
  MemorySeqStore,
  mergeBySeq,
  type FieldPatch,
} from './seq-state';

const steps: [number, FieldPatch][] = [
  [1, { status: 'offered', from: '+4930111' }],
  [2, { status: 'ringing' }],
  [3, { status: 'answered', answeredAt: 't3' }],
  [4, { status: 'held', onHold: true }],
  [5, { status: 'answered', onHold: false }],
  [6, { status: 'ended', reason: 'normal' }],
];

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) yield items;
  else
    for (let i = 0; i < items.length; i++)
      for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)]))
        yield [items[i] as T, ...rest];
}

describe('mergeBySeq', () => {
  const inOrder = steps.reduce((s, [seq, p]) => mergeBySeq(s, seq, p).state, emptySeqState());

  it('reaches the in-order state from every delivery order (720 permutations)', () => {
    expect(inOrder.values).toEqual({
      status: 'ended',
      from: '+4930111',
      answeredAt: 't3',
      onHold: false,
      reason: 'normal',
    });
    for (const order of permutations(steps)) {
      const state = order.reduce((s, [seq, p]) => mergeBySeq(s, seq, p).state, emptySeqState());
      expect(state).toEqual(inOrder);
    }
  });

  it('applies nothing for a duplicate or a stale update and reports what it applied', () => {
    const { state, applied } = mergeBySeq(inOrder, 6, { status: 'ended', reason: 'normal' });
    expect(applied).toEqual([]);
    expect(state).toEqual(inOrder);
    expect(mergeBySeq(inOrder, 2, { status: 'ringing', earlyMedia: true }).applied).toEqual([
      'earlyMedia',
    ]);
  });

  it('does not mutate its input and skips undefined fields', () => {
    const before = emptySeqState();
    const { state } = mergeBySeq(before, 1, { a: 1, b: undefined });
    expect(before).toEqual(emptySeqState());
    expect(state.values).toEqual({ a: 1 });
  });
});

describe('latestBySeq', () => {
  it('keeps the highest seq per call and ignores events without call or seq', () => {
    const latest = latestBySeq([
      { callId: 'a', seq: 2, n: 1 },
      { callId: 'b', seq: 1, n: 2 },
      { callId: 'a', seq: 5, n: 3 },
      { callId: 'a', seq: 3, n: 4 },
      { n: 5 },
    ]);
    expect(Object.fromEntries([...latest].map(([k, v]) => [k, v.n]))).toEqual({ a: 3, b: 2 });
  });
});

describe('MemorySeqStore', () => {
  it('keeps separate states per tenant and call', async () => {
    const store = new MemorySeqStore();
    await store.apply('t1', 'c', 2, { status: 'ringing' });
    await store.apply('t2', 'c', 1, { status: 'offered' });
    expect((await store.apply('t1', 'c', 1, { status: 'offered' })).applied).toEqual([]);
    expect((await store.get('t1', 'c')).values).toEqual({ status: 'ringing' });
    expect((await store.get('t2', 'c')).values).toEqual({ status: 'offered' });
    expect(await store.get('t3', 'c')).toEqual(emptySeqState());
  });
});
