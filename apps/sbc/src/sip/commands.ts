// sbc.connect / sbc.transfer / sbc.hangup from routing, served on this instance's own queue
// (`target: sbcId`, named in call.offered): the call lives in this process.
import type { B2bua } from '@ccx/b2bua';
import type { EventBus, Subscription } from '@ccx/event-bus';

export async function serveSbcCommands(
  bus: EventBus,
  b2bua: B2bua,
  sbcId: string,
): Promise<Subscription[]> {
  const own = { target: sbcId, concurrency: 32 };
  return [
    await bus.handleCommand('sbc.connect', async (r) => b2bua.connect(r.callId, r.target), own),
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
      'sbc.hangup',
      async (r) => ({ ended: b2bua.hangup(r.callId, r.q850Cause) }),
      own,
    ),
  ];
}
