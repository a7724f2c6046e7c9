import { describe, expect, it } from 'vitest';
import { PresenceState, type PresenceUpdate } from './presence-state';

const update = (over: Partial<PresenceUpdate>): PresenceUpdate => ({
  userId: 'u1',
  availability: 'Available',
  activity: 'Available',
  observedAt: 1000,
  source: 'notification',
  ...over,
});

describe('PresenceState', () => {
  it('reports a first presence and a different one as changes, a repeat as the same', () => {
    const state = new PresenceState();
    expect(state.apply(update({ sequence: '1' }))).toBe('changed');
    expect(state.apply(update({ sequence: '2', source: 'poll' }))).toBe('same');
    expect(state.apply(update({ sequence: '3', availability: 'Busy', activity: 'InACall' }))).toBe(
      'changed',
    );
    expect(state.get('u1')).toMatchObject({ availability: 'Busy', sequence: '3' });
  });

  it('does not let an out-of-order notification overwrite a newer presence', () => {
    const state = new PresenceState();
    state.apply(update({ sequence: '00000012', availability: 'Busy', activity: 'InACall' }));
    expect(state.apply(update({ sequence: '00000011', observedAt: 5000 }))).toBe('stale');
    expect(state.get('u1')?.availability).toBe('Busy');
  });

  it('compares sequence numbers of different lengths as numbers grow (longer is newer)', () => {
    const state = new PresenceState();
    state.apply(update({ sequence: '99' }));
    expect(state.apply(update({ sequence: '100', availability: 'Away', activity: 'Away' }))).toBe(
      'changed',
    );
  });

  it('orders by observation time when a payload has no sequence number', () => {
    const state = new PresenceState();
    state.apply(update({ observedAt: 2000, availability: 'Away', activity: 'Away' }));
    expect(state.apply(update({ observedAt: 1500 }))).toBe('stale');
    expect(state.apply(update({ observedAt: 2500 }))).toBe('changed');
  });

  it('treats a forgotten user as new again', () => {
    const state = new PresenceState();
    state.apply(update({}));
    state.forget('u1');
    expect(state.apply(update({}))).toBe('changed');
  });
});
