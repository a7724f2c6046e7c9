// The call.ended event of a call: end reason, Q.850 cause and the call detail record.
import type { EventInput } from '@ccx/contracts';
import type { Call, EndReason } from './call';

export interface Ending {
  reason: EndReason;
  sipStatus: number | undefined;
  q850: number;
  endedBy: 'caller' | 'callee' | 'system';
  endedAt: number;
}

export function endedEvent(call: Call, end: Ending): EventInput<'call.ended'> {
  const { endedAt } = end;
  return {
    reason: end.reason,
    ...(end.sipStatus !== undefined ? { sipStatus: end.sipStatus } : {}),
    durationMs: Math.max(0, Math.round(endedAt - call.startedAt)),
    q850Cause: end.q850,
    cdr: {
      direction: call.direction,
      from: call.calling,
      to: call.called,
      ingress: call.ingressName,
      ...(call.egress ? { egress: call.egress } : {}),
      startedAt: new Date(call.startedAt).toISOString(),
      ...(call.answeredAt ? { answeredAt: new Date(call.answeredAt).toISOString() } : {}),
      endedAt: new Date(endedAt).toISOString(),
      billableMs: call.answeredAt ? Math.round(endedAt - call.answeredAt) : 0,
      endedBy: end.endedBy,
      attempts: call.attempts,
      ...(call.codec ? { codec: call.codec } : {}),
      ...(call.transcoded !== undefined ? { transcoded: call.transcoded } : {}),
      ...(call.mediaWorkerId ? { mediaWorkerId: call.mediaWorkerId } : {}),
    },
  };
}
