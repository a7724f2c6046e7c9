import { flowDefinition, type FlowDefinition } from '@ccx/routing-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOutcome, type FlowAction } from './actions';
import { FlowRun } from './flow-run';
import { T0 } from './testing/driver';

const prompt = fc.constantFrom('a.wav', 'b.wav', 'c.wav');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

function nodeArb(size: number): fc.Arbitrary<Record<string, unknown>> {
  const to = fc.integer({ min: 0, max: size - 1 }).map((i) => `n${i}`);
  const condition = fc.constantFrom(
    { variable: 'caller', op: 'prefix', value: '+49' },
    { variable: 'v1', op: 'present' },
    { variable: 'v2', op: 'matches', value: '^1' },
    { variable: 'v1', op: 'in', value: ['1', '12'] },
    { variable: 'v2', op: 'equals', value: 'x' },
  );
  const menu = fc.record({
    kind: fc.constant('menu'),
    prompt,
    options: fc.dictionary(fc.constantFrom('1', '2', '#'), to, { minKeys: 1 }),
    timeoutSeconds: fc.integer({ min: 1, max: 3 }),
    retries: fc.integer({ min: 0, max: 2 }),
    fallback: maybe(to),
  });
  const collect = fc.record({
    kind: fc.constant('collect'),
    prompt,
    variable: fc.constantFrom('v1', 'v2'),
    minDigits: fc.integer({ min: 1, max: 2 }),
    maxDigits: fc.integer({ min: 2, max: 3 }),
    terminator: maybe(fc.constant('#')),
    timeoutSeconds: fc.integer({ min: 1, max: 3 }),
    next: to,
    noInput: maybe(to),
  });
  const hours = fc.record({
    kind: fc.constant('hours'),
    hours: fc.constant({
      timeZone: 'Europe/Berlin',
      weekly: { mon: [{ from: '12:00', to: '13:00' }] },
    }),
    open: to,
    closed: to,
  });
  const branch = fc.record({
    kind: fc.constant('branch'),
    rules: fc.array(fc.record({ when: condition, next: to }), { minLength: 1, maxLength: 2 }),
    otherwise: to,
  });
  const set = fc.record({
    kind: fc.constant('set'),
    priority: maybe(fc.integer({ min: 0, max: 9 })),
    variables: maybe(fc.constant({ v2: '1' })),
    next: to,
  });
  const end = fc.oneof(
    fc.constant({ kind: 'queue', queueId: '00000000-0000-4000-8000-000000000001' }),
    fc.constant({ kind: 'transfer', target: { kind: 'number', number: '+4930123456' } }),
    fc.record({ kind: fc.constant('disconnect'), prompt: maybe(prompt) }),
    fc.record({ kind: fc.constant('voicemail'), prompt: maybe(prompt) }),
  );
  // Nodes that wait weigh more, so runs get past their first node and meet many events.
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('play'), prompt, next: to }) },
    { weight: 4, arbitrary: menu },
    { weight: 4, arbitrary: collect },
    { weight: 1, arbitrary: hours },
    { weight: 1, arbitrary: branch },
    { weight: 1, arbitrary: set },
    { weight: 2, arbitrary: end },
  );
}

/** Small flows the schema accepts. */
const flowArb: fc.Arbitrary<FlowDefinition> = fc
  .integer({ min: 1, max: 6 })
  .chain((size) => fc.array(nodeArb(size), { minLength: size, maxLength: size }))
  .map((nodes) =>
    flowDefinition.safeParse({
      start: 'n0',
      nodes: Object.fromEntries(nodes.map((n, i) => [`n${i}`, n])),
    }),
  )
  .filter((r) => r.success)
  .map((r) => r.data as FlowDefinition);

type Event =
  | { t: 'key'; key: string }
  | { t: 'end'; reason: 'completed' | 'barge-in' | 'stopped' }
  | { t: 'timer'; pick: number }
  | { t: 'stale-timer' }
  | { t: 'stray-prompt' }
  | { t: 'fail-play' }
  | { t: 'fail-answer' }
  | { t: 'hangup' }
  | { t: 'advance'; minutes: number };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('key' as const),
      key: fc.constantFrom('1', '2', '#', '5', 'A'),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('end' as const),
      reason: fc.constantFrom('completed', 'barge-in', 'stopped'),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('timer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'stale-timer' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'stray-prompt' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'fail-play' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'advance' as const, minutes: 45 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ t: 'fail-answer' as const }, { t: 'hangup' as const }),
  },
);

/** Plays one event sequence, checking every batch of actions the run returns. */
function check(flow: FlowDefinition, events: Event[]): void {
  const run = new FlowRun(flow, { caller: '+4930111', called: '+4940222' });
  const playing: string[] = [];
  const timers = new Set<string>();
  const fired: string[] = [];
  let now = T0;
  let answered = false;
  let outcomes = 0;
  let hungUp = false;

  const take = (batch: FlowAction[]) => {
    if (run.status === 'ended' && batch.length === 0) return;
    batch.forEach((a, i) => {
      expect(outcomes, 'nothing after the outcome').toBe(0);
      if (a.kind === 'answer') {
        expect(answered, 'answers once').toBe(false);
        answered = true;
      }
      if (a.kind === 'play') {
        expect(answered, 'answers before playing').toBe(true);
        playing.push(a.prompt);
      }
      if (a.kind === 'startTimer') {
        expect(timers.has(a.id)).toBe(false);
        timers.add(a.id);
      }
      if (a.kind === 'cancelTimer')
        expect(timers.delete(a.id), 'cancels only pending timers').toBe(true);
      if (isOutcome(a)) {
        outcomes += 1;
        expect(i, 'the outcome comes last').toBe(batch.length - 1);
        expect(timers.size, 'no timer left behind').toBe(0);
      }
    });
  };

  take(run.start(now));
  for (const e of events) {
    const wasEnded = run.status === 'ended';
    let batch: FlowAction[] = [];
    if (e.t === 'key') batch = run.onDigit(e.key, now);
    if (e.t === 'end' && playing.length > 0)
      batch = run.onPromptEnded(playing.shift() ?? '', e.reason, now);
    if (e.t === 'fail-play' && playing.length > 0)
      batch = run.onCommandFailed({ kind: 'play', prompt: playing.shift() ?? '' }, now);
    if (e.t === 'timer' && timers.size > 0) {
      const id = [...timers][e.pick % timers.size] ?? '';
      timers.delete(id);
      fired.push(id);
      batch = run.onTimer(id, now);
    }
    if (e.t === 'stale-timer') batch = run.onTimer(fired[0] ?? 'n0#99', now);
    if (e.t === 'stray-prompt') batch = run.onPromptEnded('stray.wav', 'completed', now);
    if (e.t === 'fail-answer') batch = run.onCommandFailed({ kind: 'answer' }, now);
    if (e.t === 'advance') now += e.minutes * 60_000;
    if (e.t === 'hangup') {
      batch = run.onHangup();
      hungUp = true;
    }
    if (wasEnded) expect(batch).toEqual([]);
    take(batch);
    if (e.t === 'hangup') expect(batch.every((a) => a.kind === 'cancelTimer')).toBe(true);
    if (e.t === 'stale-timer' || e.t === 'stray-prompt') expect(batch).toEqual([]);
    if (run.status !== 'ended')
      expect(
        playing.length + timers.size,
        'a waiting run waits for a prompt or a timer',
      ).toBeGreaterThan(0);
  }
  expect(outcomes).toBeLessThanOrEqual(1);
  if (run.status === 'ended' && !hungUp) expect(outcomes).toBe(1);
  if (outcomes === 1) expect(run.outcome).toBeDefined();
}

describe('FlowRun (property)', () => {
  it('keeps waiting or ends with exactly one outcome, and never acts after it', () => {
    fc.assert(
      fc.property(flowArb, fc.array(eventArb, { maxLength: 40 }), (flow, events) =>
        check(flow, events),
      ),
      { numRuns: 400 },
    );
  });
});
