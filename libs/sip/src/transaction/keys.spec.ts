import { describe, expect, it } from 'vitest';
import { topVia } from '../message';
import type { SipAddress } from '../transport/types';
import { responseTarget, serverKey } from './keys';
import { request, rx } from './testing';

const src: SipAddress = { protocol: 'udp', host: '198.51.100.7', port: 40000 };
const target = (via: string, source: SipAddress = src, connectionId?: string) =>
  responseTarget(rx(request({ via }), source, connectionId));

describe('responseTarget (RFC 3261 18.2.2, RFC 3581)', () => {
  it('sends to the source host and the sent-by port, 5060 by default', () => {
    expect(target('SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKa')).toEqual({
      protocol: 'udp',
      host: '198.51.100.7',
      port: 5070,
    });
    expect(target('SIP/2.0/UDP pbx.example.com;branch=z9hG4bKa').port).toBe(5060);
  });

  it('uses 5061 for TLS without a sent-by port', () => {
    const tls: SipAddress = { protocol: 'tls', host: '198.51.100.7', port: 40000 };
    expect(target('SIP/2.0/TLS pbx.example.com;branch=z9hG4bKa', tls).port).toBe(5061);
  });

  it('prefers the received parameter to the source host (IPv6 unbracketed)', () => {
    expect(target('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;received=203.0.113.9').host).toBe(
      '203.0.113.9',
    );
    expect(target('SIP/2.0/UDP [fd00::1]:5060;branch=z9hG4bKa;received=[2001:db8::9]').host).toBe(
      '2001:db8::9',
    );
  });

  it('uses the rport value, or the source port for a valueless rport', () => {
    expect(
      target('SIP/2.0/UDP 10.0.0.1:5060;rport=41234;received=203.0.113.9;branch=z9hG4bKa'),
    ).toEqual({
      protocol: 'udp',
      host: '203.0.113.9',
      port: 41234,
    });
    expect(target('SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKa')).toEqual({
      protocol: 'udp',
      host: '198.51.100.7',
      port: 40000,
    });
  });

  it('reuses the connection on stream transports, never on UDP', () => {
    const tcp: SipAddress = { protocol: 'tcp', host: '198.51.100.7', port: 51000 };
    expect(target('SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKa', tcp, 'conn-1')).toEqual({
      protocol: 'tcp',
      host: '198.51.100.7',
      port: 5060,
      connectionId: 'conn-1',
    });
    expect(
      target('SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa', src, 'conn-1').connectionId,
    ).toBeUndefined();
  });
});

describe('serverKey (RFC 3261 17.2.3)', () => {
  it('keys cookie branches by branch, sent-by and method', () => {
    const a = request({ via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx' });
    const b = request({ via: 'SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKx' });
    expect(serverKey(a, topVia(a)!, 'INVITE')).not.toBe(serverKey(b, topVia(b)!, 'INVITE'));
    expect(serverKey(a, topVia(a)!, 'INVITE')).not.toBe(serverKey(a, topVia(a)!, 'CANCEL'));
  });

  it('keys RFC 2543 requests by Call-ID, CSeq number, From tag and Via', () => {
    const via = 'SIP/2.0/UDP 10.0.0.1:5060';
    const one = request({ via, cseq: 1 });
    const two = request({ via, cseq: 2 });
    const ack = request({ via, cseq: 1, method: 'ACK', toTag: 'q' });
    expect(serverKey(one, topVia(one)!, 'INVITE')).not.toBe(serverKey(two, topVia(two)!, 'INVITE'));
    expect(serverKey(ack, topVia(ack)!, 'INVITE')).toBe(serverKey(one, topVia(one)!, 'INVITE'));
  });
});
