import { describe, expect, it } from 'vitest';
import { cseqOf, headerValue, parseSipMessage, type SipMessage } from '@ccx/sip';
import { Dialog } from './dialog';
import { parseSessionExpires, supportsTimer } from './session-timer';

const parse = (text: string): SipMessage => {
  const r = parseSipMessage(text.replace(/\n/g, '\r\n'));
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};

const invite = parse(`INVITE sip:+4930123401@sbc.example SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1
From: "Alice" <sip:+4940111222@itsp.example>;tag=a1
To: <sip:+4930123401@sbc.example>
Call-ID: c1@itsp
CSeq: 7 INVITE
Contact: <sip:alice@192.0.2.10:5060>
Record-Route: <sip:p1.itsp.example;lr>, <sip:p2.itsp.example;lr>
Session-Expires: 1200;refresher=uas
Supported: timer, 100rel
Max-Forwards: 70
Content-Length: 0

`);

const target = { protocol: 'udp' as const, host: '192.0.2.10', port: 5060 };

describe('Dialog', () => {
  it('as UAS takes the caller as remote, keeps the route set in order, and builds in-dialog requests', () => {
    const d = Dialog.asUas(invite, 'our', '<sip:sbc@198.51.100.1>', target);
    expect(d).toBeDefined();
    const bye = d!.request('BYE');
    expect(bye.startLine.type === 'request' && bye.startLine.rawUri).toBe(
      'sip:alice@192.0.2.10:5060',
    );
    expect(headerValue(bye, 'From')).toContain('tag=our');
    expect(headerValue(bye, 'To')).toContain('tag=a1');
    expect(bye.headers.filter((h) => h.name === 'Route').map((h) => h.value)).toEqual([
      '<sip:p1.itsp.example;lr>',
      '<sip:p2.itsp.example;lr>',
    ]);
    expect(cseqOf(bye)?.method).toBe('BYE');
  });

  it('refuses an in-dialog request whose CSeq went backwards', () => {
    const d = Dialog.asUas(invite, 'our', '<sip:sbc@198.51.100.1>', target)!;
    const late = parse(`BYE sip:sbc@198.51.100.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK2
From: <sip:+4940111222@itsp.example>;tag=a1
To: <sip:+4930123401@sbc.example>;tag=our
Call-ID: c1@itsp
CSeq: 6 BYE
Content-Length: 0

`);
    expect(d.acceptRemoteSeq(late)).toBe(false);
  });

  it('ACK for a 2xx reuses the INVITE CSeq number and carries no Contact', () => {
    const d = Dialog.asUas(invite, 'our', '<sip:sbc@198.51.100.1>', target)!;
    const ack = d.request('ACK', { seq: 1 });
    expect(headerValue(ack, 'CSeq')).toBe('1 ACK');
    expect(headerValue(ack, 'Contact')).toBeUndefined();
  });
});

describe('session timers', () => {
  it('reads Session-Expires with its refresher, and timer support', () => {
    expect(parseSessionExpires(invite)).toEqual({ intervalS: 1200, refresher: 'uas' });
    expect(supportsTimer(invite)).toBe(true);
  });

  it('ignores an interval below Min-SE (90 s)', () => {
    const short = parse(`OPTIONS sip:x@y SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK3
From: <sip:a@b>;tag=1
To: <sip:x@y>
Call-ID: c2
CSeq: 1 OPTIONS
Session-Expires: 30
Content-Length: 0

`);
    expect(parseSessionExpires(short)).toBeUndefined();
    expect(supportsTimer(short)).toBe(false);
  });
});
