import { describe, expect, it } from 'vitest';
import { advanceRoundRobin, type RoundRobinState } from './methods';
import { decide, type Decision } from './queue-decision';
import { agent, interaction, queue, T0, TestClock } from './testing/fixtures';

const none: RoundRobinState = {};

function offered(d: Decision): { interaction: string; agents: string[] } {
  if (d.kind !== 'offer') throw new Error(`expected an offer, got ${d.kind}`);
  return { interaction: d.interaction.id, agents: d.agents.map((a) => a.id) };
}

describe('decide', () => {
  const billing = [{ skillId: 'billing', minLevel: 3 }];

  it('offers the best-ranked interaction to the agents the method orders', () => {
    const clock = new TestClock();
    const q = queue({ requiredSkills: billing });
    const waiting = [
      interaction('late', { enqueuedAt: clock.now() + 5_000 }),
      interaction('early', { enqueuedAt: clock.now() }),
    ];
    const agents = [
      agent('recent', { skills: { billing: 3 }, idleSince: T0 - 1_000 }),
      agent('unskilled', { skills: { billing: 2 }, idleSince: T0 - 99_000 }),
      agent('idle', { skills: { billing: 5 }, idleSince: T0 - 50_000 }),
    ];
    const d = decide(q, waiting, agents, clock.advance(10), none);
    expect(offered(d)).toEqual({ interaction: 'early', agents: ['idle', 'recent'] });
    expect(d.kind === 'offer' && d.offerTimeoutSeconds).toBe(20);
  });

  it('waits when nobody is eligible, and offers once escalation relaxes the requirements', () => {
    const clock = new TestClock();
    const q = queue({
      requiredSkills: billing,
      escalation: [{ afterSeconds: 60, requiredSkills: [{ skillId: 'billing', minLevel: 1 }] }],
    });
    const waiting = [interaction('c1', { enqueuedAt: clock.now() })];
    const agents = [agent('junior', { skills: { billing: 1 } })];
    expect(decide(q, waiting, agents, clock.advance(59), none)).toEqual({ kind: 'wait' });
    const d = decide(q, waiting, agents, clock.advance(1), none);
    expect(offered(d)).toEqual({ interaction: 'c1', agents: ['junior'] });
    expect(d.kind === 'offer' && d.requirements).toEqual([{ skillId: 'billing', minLevel: 1 }]);
  });

  it('skips an interaction no agent can take instead of blocking the queue behind it', () => {
    const q = queue();
    const waiting = [
      interaction('rare', { priority: 9, requiredSkills: [{ skillId: 'finnish', minLevel: 5 }] }),
      interaction('plain', { enqueuedAt: T0 + 1 }),
    ];
    expect(offered(decide(q, waiting, [agent('a')], T0 + 10, none)).interaction).toBe('plain');
  });

  it('matches each channel to capacity: a busy agent takes a chat but not a call', () => {
    const q = queue();
    const busy = agent('busy', { state: 'busy', active: { voice: 1, chat: 1 } });
    const call = interaction('call', { priority: 5 });
    const chat = interaction('chat', { channel: 'chat' });
    expect(offered(decide(q, [call, chat], [busy], T0, none))).toEqual({
      interaction: 'chat',
      agents: ['busy'],
    });
    const fullChat = { ...busy, active: { voice: 1, chat: 3 } };
    expect(decide(q, [call, chat], [fullChat], T0, none)).toEqual({ kind: 'wait' });
  });

  it('drops agents whose presence changed away from Available in a presence-aware queue', () => {
    const q = queue({ presenceAware: true, method: 'ring-all' });
    const agents = [agent('a'), agent('b', { presence: 'Busy' }), agent('c')];
    const d = decide(q, [interaction('c1')], agents, T0, none);
    expect(offered(d).agents).toEqual(['a', 'c']);
    expect(d.kind === 'offer' && d.ringAll).toBe(true);
  });

  it('uses the round-robin state it is given', () => {
    const q = queue({ method: 'round-robin' });
    const agents = [agent('a'), agent('b'), agent('c')];
    const state = advanceRoundRobin(none, 'q1', 'a');
    expect(offered(decide(q, [interaction('c1')], agents, T0, state)).agents[0]).toBe('b');
  });

  it('overflows the interaction that passed the maximum wait, counted for this visit', () => {
    const clock = new TestClock();
    const q = queue({ maxWaitSeconds: 60, overflow: { kind: 'queue', target: 'q2' } });
    const first = interaction('first', { enqueuedAt: clock.now() });
    const reentered = interaction('back', {
      originalEnqueuedAt: clock.now() - 600_000,
      enqueuedAt: clock.advance(30),
    });
    expect(decide(q, [first, reentered], [], clock.advance(29), none)).toEqual({ kind: 'wait' });
    expect(decide(q, [first, reentered], [], clock.advance(1), none)).toEqual({
      kind: 'overflow',
      interaction: first,
      reason: 'max-wait',
      action: { kind: 'queue', target: 'q2' },
    });
  });

  it('overflows the newest arrival when the queue is over its maximum size', () => {
    const q = queue({ maxSize: 2, overflow: { kind: 'number', target: '+4930123400' } });
    const waiting = [
      interaction('one', { enqueuedAt: T0 }),
      interaction('three', { enqueuedAt: T0 + 2_000, priority: 9 }),
      interaction('two', { enqueuedAt: T0 + 1_000 }),
    ];
    const d = decide(q, waiting, [], T0 + 3_000, none);
    expect(d.kind === 'overflow' && [d.interaction.id, d.reason]).toEqual(['three', 'max-size']);
    expect(decide(q, waiting.slice(0, 2), [], T0 + 3_000, none)).toEqual({ kind: 'wait' });
  });

  it('overflows while closed, even with agents free, and offers again when open', () => {
    const q = queue({
      hours: {
        timeZone: 'Europe/Berlin',
        weekly: {
          mon: [{ from: '09:00', to: '17:00' }],
          tue: [],
          wed: [],
          thu: [],
          fri: [],
          sat: [],
          sun: [],
        },
        holidays: ['2026-06-08'],
      },
      overflow: { kind: 'disconnect', prompt: 'closed-message' },
    });
    const call = interaction('c1');
    const monday11 = Date.parse('2026-06-01T09:00:00Z'); // 11:00 CEST
    expect(decide(q, [call], [agent('a')], monday11, none).kind).toBe('offer');
    const monday19 = Date.parse('2026-06-01T17:00:00Z');
    const closed = decide(q, [call], [agent('a')], monday19, none);
    expect(closed.kind === 'overflow' && closed.reason).toBe('closed');
    expect(closed.kind === 'overflow' && closed.action).toEqual({
      kind: 'disconnect',
      prompt: 'closed-message',
    });
    const holiday11 = Date.parse('2026-06-08T09:00:00Z');
    expect(decide(q, [call], [agent('a')], holiday11, none).kind).toBe('overflow');
  });

  it('has nothing to do for an empty queue', () => {
    expect(decide(queue(), [], [agent('a')], T0, none)).toEqual({ kind: 'wait' });
  });
});
