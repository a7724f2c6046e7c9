import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { headerValue, methodOf, parseUri, type SipMessage } from '@ccx/sip';
import { Dialog } from './dialog';
import { SessionTimer, type TimedCall } from './session-timer';

const uri = (text: string) => {
  const u = parseUri(text);
  if (!u.ok) throw new Error(u.reason);
  return u.value;
};

function setUp(state = 'answered') {
  const sent: SipMessage[] = [];
  const hangups: number[] = [];
  const call: TimedCall = {
    id: 'c1',
    state,
    bLocalSdp: 'v=0\r\n',
    ctx: {
      sip: {
        send: (request: SipMessage) => {
          sent.push(request);
          return undefined as never;
        },
        ack: async () => undefined,
      },
      log: { info: () => undefined },
    },
    hangup: (q850) => {
      hangups.push(q850);
    },
  };
  const dialog = new Dialog({
    callId: 'x',
    localTag: 'l',
    remoteTag: 'r',
    local: { uri: uri('sip:sbc@198.51.100.1'), params: { tag: 'l' } },
    remote: { uri: uri('sip:pbx@192.0.2.3'), params: { tag: 'r' } },
    localSeq: 1,
    remoteSeq: 1,
    remoteTarget: uri('sip:pbx@192.0.2.3:5060'),
    routeSet: [],
    contact: '<sip:sbc@198.51.100.1>',
    target: { protocol: 'udp', host: '192.0.2.3', port: 5060 },
  });
  return { call, dialog, sent, hangups };
}

describe('SessionTimer (RFC 4028)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('as refresher sends UPDATE at half the interval, with Session-Expires', () => {
    const { call, dialog, sent } = setUp();
    const timer = new SessionTimer(call, 'b', dialog, 1800, true, true);
    vi.advanceTimersByTime(899_000);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    expect(sent.map(methodOf)).toEqual(['UPDATE']);
    expect(headerValue(sent[0]!, 'Session-Expires')).toBe('1800;refresher=uac');
    timer.stop();
  });

  it('refreshes with re-INVITE and our SDP when the peer does not allow UPDATE', () => {
    const { call, dialog, sent } = setUp();
    new SessionTimer(call, 'b', dialog, 120, true, false);
    vi.advanceTimersByTime(60_000);
    expect(sent.map(methodOf)).toEqual(['INVITE']);
    expect(new TextDecoder().decode(sent[0]!.body)).toBe('v=0\r\n');
  });

  it('ends the call when the other side does not refresh in time (interval minus 32 s)', () => {
    const { call, dialog, hangups } = setUp();
    new SessionTimer(call, 'a', dialog, 1800, false, false);
    vi.advanceTimersByTime(1767_000);
    expect(hangups).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(hangups).toEqual([102]);
  });

  it('a refresh from the other side restarts the wait', () => {
    const { call, dialog, hangups } = setUp();
    const timer = new SessionTimer(call, 'a', dialog, 90, false, false);
    vi.advanceTimersByTime(50_000);
    timer.refreshed();
    vi.advanceTimersByTime(50_000);
    expect(hangups).toEqual([]);
    vi.advanceTimersByTime(10_000);
    expect(hangups).toEqual([102]);
  });
});
