import { describe, expect, it } from 'vitest';
import { parseAgentChange } from './agent-changes';

const change = {
  tenantId: 't1',
  agentId: 'a1',
  state: 'reserved',
  manualState: 'available',
  reason: '',
  version: 7,
  active: { voice: 0, chat: 1 },
  reserved: { voice: 1, chat: 0 },
  capacity: { voice: 1, chat: 2 },
  idleSince: 1_000,
  missedOffers: 0,
  presence: 'Available',
  origin: 'replica-a',
};

describe('parseAgentChange', () => {
  it('reads a change as the reservation scripts publish it', () => {
    expect(parseAgentChange(JSON.stringify(change))).toEqual(change);
  });

  it("takes a change without origin as made by a store without one ('')", () => {
    const { origin: _origin, ...rest } = change;
    expect(parseAgentChange(JSON.stringify(rest))?.origin).toBe('');
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '"reserved"'],
    ['an unknown state', JSON.stringify({ ...change, state: 'lunch' })],
    ['a visible state as manual state', JSON.stringify({ ...change, manualState: 'busy' })],
    ['no tenant', JSON.stringify({ ...change, tenantId: '' })],
    ['a fractional version', JSON.stringify({ ...change, version: 1.5 })],
    ['a capacity without chat', JSON.stringify({ ...change, capacity: { voice: 1 } })],
    ['a missing presence', JSON.stringify({ ...change, presence: undefined })],
  ])('refuses %s', (_what, message) => {
    expect(parseAgentChange(message)).toBeNull();
  });
});
