import { describe, expect, it } from 'vitest';
import { FlowDriver, parseFlow } from './testing/driver';

const sales = '00000000-0000-4000-8000-000000000001';
const support = '00000000-0000-4000-8000-000000000002';

const queues = {
  sales: { kind: 'queue', queueId: sales },
  support: { kind: 'queue', queueId: support },
};

describe('FlowRun: play', () => {
  const flow = parseFlow('hello', {
    hello: { kind: 'play', prompt: 'hello.wav', next: 'sales' },
    ...queues,
  });

  it('answers once, plays without barge-in, and moves on when the prompt ends', () => {
    const d = new FlowDriver(flow).start();
    expect(d.actions).toEqual([
      { kind: 'answer' },
      { kind: 'play', prompt: 'hello.wav', bargeIn: false },
    ]);
    d.press('1');
    expect(d.outcome).toBeUndefined();
    d.endPrompt();
    expect(d.outcome).toEqual({ kind: 'enqueue', queueId: sales, variables: {} });
    expect(d.run.status).toBe('ended');
  });

  it('does nothing on a second start', () => {
    const d = new FlowDriver(flow).start();
    expect(d.run.start(d.now)).toEqual([]);
  });
});

describe('FlowRun: menu', () => {
  const flow = parseFlow('main', {
    main: {
      kind: 'menu',
      prompt: 'main.wav',
      options: { '1': 'sales', '2': 'support' },
      timeoutSeconds: 4,
      retries: 2,
      fallback: 'support',
    },
    ...queues,
  });

  it('takes a key pressed during the prompt (barge-in)', () => {
    const d = new FlowDriver(flow).start();
    expect(d.actions[1]).toEqual({ kind: 'play', prompt: 'main.wav', bargeIn: true });
    d.press('2');
    expect(d.outcome).toMatchObject({ kind: 'enqueue', queueId: support });
    expect(d.plays).toEqual(['main.wav']);
  });

  it('waits timeoutSeconds after the prompt for a key', () => {
    const d = new FlowDriver(flow).start().endPrompt().elapse(3.9).press('1');
    expect(d.outcome).toMatchObject({ kind: 'enqueue', queueId: sales });
    expect(d.pendingTimers).toBe(0);
  });

  it('replays after a wrong key or silence, then falls back', () => {
    const d = new FlowDriver(flow).start().endPrompt().press('9');
    expect(d.plays).toEqual(['main.wav', 'main.wav']);
    d.endPrompt().elapse(4);
    expect(d.plays).toEqual(['main.wav', 'main.wav', 'main.wav']);
    expect(d.outcome).toBeUndefined();
    d.press('7');
    expect(d.outcome).toMatchObject({ kind: 'enqueue', queueId: support });
    expect(d.plays).toHaveLength(3);
  });

  it('still takes a right key on a replay', () => {
    const d = new FlowDriver(flow).start().endPrompt().elapse(4).press('1');
    expect(d.plays).toEqual(['main.wav', 'main.wav']);
    expect(d.outcome).toMatchObject({ kind: 'enqueue', queueId: sales });
  });

  it('disconnects when retries run out and there is no fallback', () => {
    const strict = parseFlow('main', {
      main: { kind: 'menu', prompt: 'main.wav', options: { '1': 'sales' }, retries: 1 },
      ...queues,
    });
    const d = new FlowDriver(strict).start().endPrompt().elapse(5).endPrompt();
    expect(d.outcome).toBeUndefined();
    d.elapse(5);
    expect(d.outcome).toEqual({ kind: 'disconnect', reason: 'no-input' });
    expect(d.plays).toEqual(['main.wav', 'main.wav']);
  });

  it('does not count the end of a prompt a key already cut short as the replay ending', () => {
    // Wrong key mid-prompt: the replay starts before the barged-in prompt reports its end.
    const d = new FlowDriver(flow).start();
    d.run.onDigit('9', d.now);
    const late = d.run.onPromptEnded('main.wav', 'barge-in', d.now);
    expect(late).toEqual([]);
    expect(d.run.onPromptEnded('main.wav', 'completed', d.now)).toEqual([
      { kind: 'startTimer', id: expect.any(String), ms: 4000 },
    ]);
  });
});

describe('FlowRun: collect', () => {
  const flow = parseFlow('account', {
    account: {
      kind: 'collect',
      prompt: 'account.wav',
      variable: 'account',
      minDigits: 4,
      maxDigits: 6,
      terminator: '#',
      timeoutSeconds: 3,
      next: 'sales',
      noInput: 'support',
    },
    ...queues,
  });

  it('stops at the terminator, which is not stored', () => {
    const d = new FlowDriver(flow).start().press('1234#');
    expect(d.outcome).toEqual({ kind: 'enqueue', queueId: sales, variables: { account: '1234' } });
  });

  it('stops at maxDigits without waiting', () => {
    const d = new FlowDriver(flow).start().endPrompt().press('123456');
    expect(d.outcome).toMatchObject({ queueId: sales, variables: { account: '123456' } });
    expect(d.pendingTimers).toBe(0);
  });

  it('stops after the inter-digit timeout', () => {
    const d = new FlowDriver(flow).start().press('12').elapse(2.5).press('34').elapse(2.9);
    expect(d.outcome).toBeUndefined();
    d.elapse(0.1);
    expect(d.outcome).toMatchObject({ queueId: sales, variables: { account: '1234' } });
  });

  it('goes to noInput with what was typed when too few digits came', () => {
    const d = new FlowDriver(flow).start().endPrompt().press('12').elapse(3);
    expect(d.outcome).toMatchObject({ queueId: support, variables: { account: '12' } });
    const early = new FlowDriver(flow).start().press('1#');
    expect(early.outcome).toMatchObject({ queueId: support, variables: { account: '1' } });
    const silent = new FlowDriver(flow).start().endPrompt().elapse(3);
    expect(silent.outcome).toMatchObject({ queueId: support, variables: { account: '' } });
  });

  it('goes to next when too few digits came and there is no noInput', () => {
    const lenient = parseFlow('pin', {
      pin: {
        kind: 'collect',
        prompt: 'pin.wav',
        variable: 'pin',
        minDigits: 4,
        maxDigits: 4,
        next: 'sales',
      },
      ...queues,
    });
    const d = new FlowDriver(lenient).start().endPrompt().elapse(5);
    expect(d.outcome).toMatchObject({ queueId: sales, variables: { pin: '' } });
  });
});
