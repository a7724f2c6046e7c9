// Commands from routing (connect, originate, answer, play, record, transfer, hangup, live-calls),
// served on this instance's own queue (`target: sbcId`, named in call.offered): the call lives here.
import type { B2bua } from '@ccx/b2bua';
import type { EventBus, Subscription } from '@ccx/event-bus';

export async function serveSbcCommands(
  bus: EventBus,
  b2bua: B2bua,
  sbcId: string,
): Promise<Subscription[]> {
  const own = { target: sbcId, concurrency: 32 };
  return [
    await bus.handleCommand(
      'sbc.connect',
      async (r) =>
        b2bua.connect(r.callId, r.target, {
          requestId: r.requestId,
          ...(r.timeoutSeconds !== undefined ? { timeoutSeconds: r.timeoutSeconds } : {}),
        }),
      own,
    ),
    await bus.handleCommand(
      'sbc.transfer',
      async (r) => {
        if (r.kind === 'attended')
          return { accepted: false, reason: 'attended transfer by command is not supported yet' };
        if (!r.target) return { accepted: false, reason: 'a blind transfer needs a target' };
        return b2bua.transfer(r.callId, r.target);
      },
      own,
    ),
    await bus.handleCommand(
      'sbc.originate',
      async (r) =>
        b2bua.originate(r.tenantId, {
          callId: r.callId,
          requestId: r.requestId,
          first: r.first,
          then: r.then,
          ...(r.callerId ? { callerId: r.callerId } : {}),
          ...(r.timeoutSeconds !== undefined ? { timeoutSeconds: r.timeoutSeconds } : {}),
        }),
      own,
    ),
    await bus.handleCommand('sbc.answer', async (r) => b2bua.answer(r.callId), own),
    await bus.handleCommand('sbc.play', (r) => b2bua.play(r.callId, r.prompt, r.bargeIn), own),
    await bus.handleCommand('sbc.record', (r) => b2bua.record(r.callId, r.action), own),
    await bus.handleCommand(
      'sbc.hangup',
      async (r) => ({ ended: b2bua.hangup(r.callId, r.q850Cause) }),
      own,
    ),
    await bus.handleCommand(
      'sbc.live-calls',
      async (r) => ({ live: r.callIds.filter((id) => b2bua.call(id) !== undefined) }),
      own,
    ),
  ];
}
