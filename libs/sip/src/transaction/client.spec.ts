import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cseqOf, getHeader, getHeaders, makeHeader, newBranch, toTag, topVia } from '../message';
import type { SendTarget } from '../transport/types';
import type { SipMessage } from '../types';
import { TransactionLayer } from './layer';
import { FakeTransport, RecordingUser, reply, request, rx } from './testing';
import type { ClientTransactionHandlers } from './types';

const UDP: SendTarget = { protocol: 'udp', host: '203.0.113.5', port: 5060 };
const TCP: SendTarget = { protocol: 'tcp', host: '203.0.113.5', port: 5060 };

function handlers() {
  const responses: SipMessage[] = [];
  const h = {
    onResponse: vi.fn((m: SipMessage) => void responses.push(m)),
    onTimeout: vi.fn(),
    onTransportError: vi.fn(),
  } satisfies ClientTransactionHandlers;
  return {
    h,
    responses,
    statuses: () =>
      responses.map((m) => (m.startLine.type === 'response' ? m.startLine.status : 0)),
  };
}

describe('client transactions', () => {
  let transport: FakeTransport;
  let user: RecordingUser;
  let layer: TransactionLayer;

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new FakeTransport();
    user = new RecordingUser();
    layer = new TransactionLayer(transport, user);
  });

  afterEach(() => {
    layer.close();
    vi.useRealTimers();
  });

  const idle = () => {
    expect(layer.stats()).toEqual({ client: 0, server: 0 });
    expect(vi.getTimerCount()).toBe(0);
  };

  it('retransmits an INVITE over UDP at 500, 1000, 2000… ms and times out once at 32 s', () => {
    const { h } = handlers();
    const tx = layer.sendRequest(request(), UDP, h);
    const sendTimes: number[] = [];
    let seen = 0;
    for (let t = 0; t <= 40_000; t += 100) {
      if (t > 0) vi.advanceTimersByTime(100);
      while (seen < transport.sent.length) {
        sendTimes.push(t);
        seen++;
      }
    }
    expect(sendTimes).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(transport.sent.every((s) => s.target === UDP || s.target.host === UDP.host)).toBe(true);
    expect(h.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe('terminated');
    idle();
  });

  it('stops retransmitting on a provisional response and hands 2xx retransmissions to the TU in Accepted', () => {
    const { h, statuses } = handlers();
    const req = request();
    const tx = layer.sendRequest(req, UDP, h);
    layer.receive(rx(reply(req, 180)));
    expect(tx.state).toBe('proceeding');
    vi.advanceTimersByTime(60_000);
    expect(transport.lines()).toEqual(['INVITE']);
    expect(h.onTimeout).not.toHaveBeenCalled(); // Timer B only runs in Calling

    layer.receive(rx(reply(req, 200)));
    expect(tx.state).toBe('accepted');
    layer.receive(rx(reply(req, 200)));
    layer.receive(rx(reply(req, 200, 'fork2')));
    expect(statuses()).toEqual([180, 200, 200, 200]);
    expect(transport.lines()).toEqual(['INVITE']); // the ACK for 2xx is the TU's
    vi.advanceTimersByTime(32_000); // Timer M
    expect(tx.state).toBe('terminated');
    layer.receive(rx(reply(req, 200)));
    expect(user.strays).toHaveLength(1);
    idle();
  });

  it('ACKs a non-2xx final itself with the same branch and the response To tag', () => {
    const { h, statuses } = handlers();
    const req = request({ route: '<sip:proxy.example.com;lr>' });
    const tx = layer.sendRequest(req, UDP, h);
    layer.receive(rx(reply(req, 486, 'callee')));
    expect(tx.state).toBe('completed');
    expect(transport.lines()).toEqual(['INVITE', 'ACK']);
    const ack = transport.sent[1]!.message;
    expect(topVia(ack)?.params['branch']).toBe(topVia(req)?.params['branch']);
    expect(getHeaders(ack, 'Via')).toHaveLength(1);
    expect(toTag(ack)).toBe('callee');
    expect(cseqOf(ack)).toEqual({ seq: 1, method: 'ACK' });
    expect(getHeader(ack, 'Route')?.value).toBe('<sip:proxy.example.com;lr>');
    expect(ack.startLine.type === 'request' && ack.startLine.rawUri).toBe('sip:bob@example.com');

    layer.receive(rx(reply(req, 486, 'callee'))); // retransmitted final: ACK again, TU not told
    expect(transport.lines()).toEqual(['INVITE', 'ACK', 'ACK']);
    expect(statuses()).toEqual([486]);
    vi.advanceTimersByTime(32_000); // Timer D
    expect(tx.state).toBe('terminated');
    idle();
  });

  it('non-INVITE: Timer E doubles up to T2, then T2 in Proceeding; Timer F times out', () => {
    const { h } = handlers();
    layer.sendRequest(request({ method: 'OPTIONS' }), UDP, h);
    vi.advanceTimersByTime(7_500); // sends at 0, 500, 1500, 3500, 7500
    expect(transport.sent).toHaveLength(5);
    vi.advanceTimersByTime(4_000); // E capped at T2 = 4 s
    expect(transport.sent).toHaveLength(6);
    vi.advanceTimersByTime(20_499);
    expect(transport.sent).toHaveLength(11); // … 27500, 31500
    expect(h.onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(h.onTimeout).toHaveBeenCalledTimes(1);
    idle();
  });

  it('non-INVITE: a provisional keeps E at T2; the final is handed up once and Timer K absorbs repeats', () => {
    const { h, statuses } = handlers();
    const req = request({ method: 'OPTIONS' });
    const tx = layer.sendRequest(req, UDP, h);
    vi.advanceTimersByTime(100);
    layer.receive(rx(reply(req, 100)));
    expect(tx.state).toBe('proceeding');
    vi.advanceTimersByTime(400); // E (500 ms) fires; the next one is T2 later
    expect(transport.sent).toHaveLength(2);
    vi.advanceTimersByTime(3_999);
    expect(transport.sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(transport.sent).toHaveLength(3);
    layer.receive(rx(reply(req, 200)));
    layer.receive(rx(reply(req, 200)));
    expect(statuses()).toEqual([100, 200]);
    expect(tx.state).toBe('completed');
    vi.advanceTimersByTime(5_000); // Timer K = T4
    expect(tx.state).toBe('terminated');
    expect(transport.sent).toHaveLength(3);
    idle();
  });

  it('does not retransmit over a reliable transport and ends at once after the ACK', () => {
    const { h } = handlers();
    const req = request({ protocol: 'tcp' });
    const tx = layer.sendRequest(req, TCP, h);
    vi.advanceTimersByTime(31_999);
    expect(transport.lines()).toEqual(['INVITE']);
    layer.receive(rx(reply(req, 603), { protocol: 'tcp', host: '203.0.113.5', port: 5060 }, 'c1'));
    expect(transport.lines()).toEqual(['INVITE', 'ACK']);
    expect(tx.state).toBe('terminated'); // Timer D is zero
    idle();

    const opt = request({ method: 'OPTIONS', protocol: 'tcp' });
    layer.sendRequest(opt, TCP, h);
    layer.receive(rx(reply(opt, 200)));
    idle(); // Timer K is zero
  });

  it('a reliable INVITE still times out with Timer B', () => {
    const { h } = handlers();
    layer.sendRequest(request({ protocol: 'tcp' }), TCP, h);
    vi.advanceTimersByTime(32_000);
    expect(h.onTimeout).toHaveBeenCalledTimes(1);
    expect(transport.sent).toHaveLength(1);
    idle();
  });

  it('cancel() waits for a provisional response, then sends a CANCEL built per RFC 3261 9.1', () => {
    const { h, statuses } = handlers();
    const req = request({ route: '<sip:edge.example.com;lr>', cseq: 7 });
    const tx = layer.sendRequest(req, UDP, h);
    tx.cancel('Q.850;cause=16');
    tx.cancel(); // once only
    expect(transport.lines()).toEqual(['INVITE']);
    layer.receive(rx(reply(req, 183)));
    expect(transport.lines()).toEqual(['INVITE', 'CANCEL']);
    const cancel = transport.sent[1]!.message;
    expect(cancel.startLine.type === 'request' && cancel.startLine.rawUri).toBe(
      'sip:bob@example.com',
    );
    expect(getHeaders(cancel, 'Via').map((v) => v.value)).toEqual([getHeader(req, 'Via')!.value]);
    expect(cseqOf(cancel)).toEqual({ seq: 7, method: 'CANCEL' });
    expect(toTag(cancel)).toBeUndefined();
    expect(getHeader(cancel, 'Route')?.value).toBe('<sip:edge.example.com;lr>');
    expect(getHeader(cancel, 'Call-ID')?.value).toBe('call-1@example.net');
    expect(getHeader(cancel, 'Reason')?.value).toBe('Q.850;cause=16');
    expect(layer.stats().client).toBe(2);

    layer.receive(rx(reply(cancel, 200))); // the CANCEL's own answer: not the TU's business
    layer.receive(rx(reply(req, 487)));
    expect(statuses()).toEqual([183, 487]);
    expect(transport.lines()).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(user.strays).toHaveLength(0);
    vi.advanceTimersByTime(32_000);
    idle();
  });

  it('cancel() after a final response sends nothing; without any final the INVITE gives up 64*T1 after CANCEL', () => {
    const a = handlers();
    const req = request();
    const tx = layer.sendRequest(req, UDP, a.h);
    layer.receive(rx(reply(req, 486)));
    tx.cancel();
    expect(transport.lines()).toEqual(['INVITE', 'ACK']);

    const b = handlers();
    const req2 = request();
    const tx2 = layer.sendRequest(req2, UDP, b.h);
    layer.receive(rx(reply(req2, 180)));
    tx2.cancel();
    expect(transport.lines().slice(2)).toEqual(['INVITE', 'CANCEL']);
    vi.advanceTimersByTime(32_000);
    expect(b.h.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx2.state).toBe('terminated');
    idle();
  });

  it('reports a transport failure once and ends the transaction', async () => {
    const { h } = handlers();
    transport.failWith = new Error('connect refused');
    const tx = layer.sendRequest(request(), UDP, h);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.onTransportError).toHaveBeenCalledTimes(1);
    expect(h.onTransportError.mock.calls[0]![0].message).toBe('connect refused');
    expect(tx.state).toBe('terminated');
    expect(transport.sent).toHaveLength(1);
    idle();
  });

  it('treats a transport that throws like one that rejects', async () => {
    const { h } = handlers();
    transport.send = () => {
      throw new Error('no route');
    };
    layer.sendRequest(request({ method: 'OPTIONS' }), UDP, h);
    expect(h.onTransportError).not.toHaveBeenCalled(); // not from inside sendRequest()
    await vi.advanceTimersByTimeAsync(0);
    expect(h.onTransportError).toHaveBeenCalledTimes(1);
    idle();
  });

  it('a TU that throws on the final response still gets the transaction ended', () => {
    const errors: string[] = [];
    const own = new TransactionLayer(transport, user, { onError: (e) => errors.push(e.message) });
    const req = request();
    own.sendRequest(req, UDP, {
      onResponse: () => {
        throw new Error('tu bug');
      },
      onTimeout: vi.fn(),
      onTransportError: vi.fn(),
    });
    own.receive(rx(reply(req, 404)));
    expect(errors).toEqual(['tu bug']);
    vi.advanceTimersByTime(32_000);
    expect(own.stats()).toEqual({ client: 0, server: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hands responses matching no transaction (branch or CSeq method) to onStrayResponse', () => {
    const { h } = handlers();
    const req = request({ branch: newBranch() });
    layer.sendRequest(req, UDP, h);
    const wrongMethod = reply(req, 200);
    wrongMethod.headers = wrongMethod.headers.map((x) =>
      x.name === 'CSeq' ? makeHeader('CSeq', '1 BYE') : x,
    );
    layer.receive(rx(wrongMethod));
    layer.receive(rx(reply(request(), 200)));
    expect(user.strays).toHaveLength(2);
    expect(h.onResponse).not.toHaveBeenCalled();
  });

  it('refuses an ACK and a request without a branch', () => {
    const { h } = handlers();
    expect(() => layer.sendRequest(request({ method: 'ACK' }), UDP, h)).toThrow(/ACK/);
    expect(() => layer.sendRequest(request({ via: 'SIP/2.0/UDP 192.0.2.1:5060' }), UDP, h)).toThrow(
      /branch/,
    );
    idle();
  });
});
