import type { FlowDefinition } from '@ccx/routing-model';
import { describe, expect, it } from 'vitest';
import type { FlowAction } from './actions';
import { FlowRun } from './flow-run';
import { FlowDriver, parseFlow } from './testing/driver';

const sales = '00000000-0000-4000-8000-000000000001';
const support = '00000000-0000-4000-8000-000000000002';
const expert = '00000000-0000-4000-8000-0000000000e1';

const queues = {
  sales: { kind: 'queue', queueId: sales },
  support: { kind: 'queue', queueId: support },
};

describe('FlowRun: hours', () => {
  // New York, Mondays 09:00–17:00 and 20:00–24:00 local; 2026-06-01 is a Monday (EDT, UTC−4).
  const flow = parseFlow('open', {
    open: {
      kind: 'hours',
      hours: {
        timeZone: 'America/New_York',
        weekly: {
          mon: [
            { from: '09:00', to: '17:00' },
            { from: '20:00', to: '24:00' },
          ],
        },
        holidays: ['2026-06-08'],
      },
      open: 'sales',
      closed: 'closed',
    },
    closed: { kind: 'disconnect', prompt: 'closed.wav' },
    ...queues,
  });
  const outcomeAt = (iso: string) =>
    new FlowDriver(flow, undefined, Date.parse(iso)).start().outcome;

  it('follows the wall clock in the hours’ own time zone', () => {
    expect(outcomeAt('2026-06-01T13:00:00Z')).toMatchObject({ queueId: sales }); // 09:00 EDT
    expect(outcomeAt('2026-06-01T12:59:00Z')).toMatchObject({ prompt: 'closed.wav' }); // 08:59
    expect(outcomeAt('2026-06-01T20:59:00Z')).toMatchObject({ queueId: sales }); // 16:59
    // 01:00 UTC on Tuesday is still Monday 21:00 in New York: open.
    expect(outcomeAt('2026-06-02T01:00:00Z')).toMatchObject({ queueId: sales });
    expect(outcomeAt('2026-06-02T04:00:00Z')).toMatchObject({ kind: 'disconnect' }); // Tue 00:00
    expect(outcomeAt('2026-06-08T14:00:00Z')).toMatchObject({ kind: 'disconnect' }); // holiday
  });

  it('reads the time the run reaches the node, not the time it started', () => {
    const late = parseFlow('hello', {
      hello: { kind: 'play', prompt: 'hello.wav', next: 'open' },
      ...flow.nodes,
    });
    const d = new FlowDriver(late, undefined, Date.parse('2026-06-01T12:59:50Z')).start();
    d.elapse(20).endPrompt();
    expect(d.outcome).toMatchObject({ kind: 'enqueue', queueId: sales });
  });
});

describe('FlowRun: branch', () => {
  const flow = parseFlow('byCaller', {
    byCaller: {
      kind: 'branch',
      rules: [
        { when: { variable: 'caller', op: 'prefix', value: '+33' }, next: 'support' },
        {
          when: { variable: 'called', op: 'in', value: ['+4940999001', '+4940999002'] },
          next: 'sales',
        },
      ],
      otherwise: 'account',
    },
    account: {
      kind: 'collect',
      prompt: 'account.wav',
      variable: 'account',
      maxDigits: 5,
      next: 'byAccount',
    },
    byAccount: {
      kind: 'branch',
      rules: [
        { when: { variable: 'account', op: 'matches', value: '^9\\d{4}$' }, next: 'support' },
        { when: { variable: 'account', op: 'equals', value: '12345' }, next: 'sales' },
        { when: { variable: 'account', op: 'present' }, next: 'mailbox' },
      ],
      otherwise: 'bye',
    },
    mailbox: { kind: 'voicemail', maxSeconds: 60 },
    bye: { kind: 'disconnect' },
    ...queues,
  });
  const run = (caller: string, called = '+4940999000') =>
    new FlowDriver(flow, { caller, called }).start();

  it('branches on the caller’s prefix and the number called', () => {
    expect(run('+33612345678').outcome).toMatchObject({ queueId: support });
    expect(run('+4930123', '+4940999002').outcome).toMatchObject({ queueId: sales });
    expect(run('+4930123').outcome).toBeUndefined();
  });

  it('branches on collected digits', () => {
    expect(run('+4930123').press('98765').outcome).toMatchObject({ queueId: support });
    expect(run('+4930123').press('12345').outcome).toMatchObject({ queueId: sales });
    expect(run('+4930123').press('5555').elapse(5).outcome).toMatchObject({ kind: 'voicemail' });
    expect(run('+4930123').endPrompt().elapse(5).outcome).toEqual({
      kind: 'disconnect',
      reason: 'flow',
    });
  });
});

describe('FlowRun: set, queue, transfer, voicemail, disconnect', () => {
  it('carries skills, priority and variables from set nodes into the enqueue', () => {
    const flow = parseFlow('vip', {
      vip: { kind: 'set', priority: 3, variables: { segment: 'retail', lang: 'de' }, next: 'menu' },
      menu: { kind: 'menu', prompt: 'menu.wav', options: { '1': 'french' } },
      french: {
        kind: 'set',
        skills: [{ skillId: 'french', minLevel: 3 }],
        priority: 7,
        variables: { lang: 'fr' },
        next: 'sales',
      },
      ...queues,
    });
    const d = new FlowDriver(flow, { caller: '+1', called: '+2', variables: { crm: '42' } })
      .start()
      .press('1');
    expect(d.outcome).toEqual({
      kind: 'enqueue',
      queueId: sales,
      skills: [{ skillId: 'french', minLevel: 3 }],
      priority: 7,
      variables: { crm: '42', segment: 'retail', lang: 'fr' },
    });
  });

  it('transfers to a Teams user without answering', () => {
    const flow = parseFlow('x', {
      x: { kind: 'transfer', target: { kind: 'teams-user', userId: expert } },
    });
    const d = new FlowDriver(flow).start();
    expect(d.actions).toEqual([
      { kind: 'transfer', target: { kind: 'teams-user', userId: expert }, variables: {} },
    ]);
  });

  it('answers before voicemail and before a disconnect with a prompt, not before a silent one', () => {
    const mailbox = parseFlow('m', {
      m: { kind: 'voicemail', prompt: 'leave.wav', maxSeconds: 30 },
    });
    expect(new FlowDriver(mailbox).start().actions).toEqual([
      { kind: 'answer' },
      { kind: 'voicemail', prompt: 'leave.wav', maxSeconds: 30, variables: {} },
    ]);
    const bye = parseFlow('b', { b: { kind: 'disconnect', prompt: 'bye.wav' } });
    expect(new FlowDriver(bye).start().actions).toEqual([
      { kind: 'answer' },
      { kind: 'disconnect', prompt: 'bye.wav', reason: 'flow' },
    ]);
    const silent = parseFlow('b', { b: { kind: 'disconnect' } });
    expect(new FlowDriver(silent).start().actions).toEqual([
      { kind: 'disconnect', reason: 'flow' },
    ]);
  });
});

describe('FlowRun: robustness', () => {
  const menu = parseFlow('main', {
    main: { kind: 'menu', prompt: 'main.wav', options: { '1': 'sales' }, fallback: 'support' },
    ...queues,
  });

  it('ignores keys nobody waits for, stale timers and ends of unknown prompts', () => {
    const flow = parseFlow('hello', {
      hello: { kind: 'play', prompt: 'hello.wav', next: 'main' },
      ...menu.nodes,
    });
    const run = new FlowRun(flow, { caller: '+1', called: '+2' });
    expect(run.onDigit('1', 0)).toEqual([]);
    run.start(0);
    expect(run.onDigit('1', 0)).toEqual([]);
    expect(run.onTimer('main#1', 0)).toEqual([]);
    expect(run.onPromptEnded('other.wav', 'completed', 0)).toEqual([]);
    run.onPromptEnded('hello.wav', 'completed', 0);
    const [timer] = run.onPromptEnded('main.wav', 'completed', 0);
    expect(timer?.kind).toBe('startTimer');
    run.onDigit('1', 0);
    expect(run.outcome).toMatchObject({ queueId: sales });
    expect(timer?.kind === 'startTimer' && run.onTimer(timer.id, 0)).toEqual([]);
  });

  it('cancels the pending timer when it ends, and stops without an outcome on hang-up', () => {
    const d = new FlowDriver(menu).start().endPrompt();
    const timer = d.actions.find((a) => a.kind === 'startTimer');
    expect(d.run.onHangup()).toEqual([
      { kind: 'cancelTimer', id: timer?.kind === 'startTimer' && timer.id },
    ]);
    expect(d.run.status).toBe('ended');
    expect(d.run.outcome).toBeUndefined();
    expect(d.run.onDigit('1', d.now)).toEqual([]);
  });

  it('moves on when a prompt fails to play, and gives up after repeated failures', () => {
    const run = new FlowRun(menu, { caller: '+1', called: '+2' });
    run.start(0);
    const failed = () => run.onCommandFailed({ kind: 'play', prompt: 'main.wav' }, 0);
    const timerIn = (actions: FlowAction[]) =>
      actions.flatMap((a) => (a.kind === 'startTimer' ? [a.id] : []))[0] ?? 'none';
    // The menu waits for a key as if the prompt had played, then replays it.
    expect(run.onTimer(timerIn(failed()), 0)).toEqual([
      { kind: 'play', prompt: 'main.wav', bargeIn: true },
    ]);
    run.onTimer(timerIn(failed()), 0);
    expect(failed()).toEqual([{ kind: 'disconnect', reason: 'prompt-failed' }]);
  });

  it('disconnects when the call cannot be answered', () => {
    const run = new FlowRun(menu, { caller: '+1', called: '+2' });
    run.start(0);
    expect(run.onCommandFailed({ kind: 'answer' }, 0)).toEqual([
      { kind: 'disconnect', reason: 'answer-failed' },
    ]);
  });

  it('ends a flow that spins without waiting (one that skipped validation) in a disconnect', () => {
    const spin = {
      start: 'a',
      nodes: {
        a: { kind: 'set', priority: 1, next: 'b' },
        b: { kind: 'set', priority: 2, next: 'a' },
      },
    } as FlowDefinition;
    const run = new FlowRun(spin, { caller: '+1', called: '+2' });
    expect(run.start(0)).toEqual([{ kind: 'disconnect', reason: 'loop-guard' }]);
    const broken = { start: 'a', nodes: { a: { kind: 'set', next: 'zz' } } } as FlowDefinition;
    expect(new FlowRun(broken, { caller: '+1', called: '+2' }).start(0)).toEqual([
      { kind: 'disconnect', reason: 'invalid-flow' },
    ]);
  });
});
