import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResponse, newBranch, statusOf, toTag } from '../message';
import type { SipAddress } from '../transport/types';
import { TransactionLayer } from './layer';
import { FakeTransport, RecordingUser, request, rx } from './testing';

const TCP_PEER: SipAddress = { protocol: 'tcp', host: '198.51.100.7', port: 40001 };

describe('server transactions', () => {
  let transport: FakeTransport;
  let user: RecordingUser;
  let layer: TransactionLayer;
  let errors: string[];

  beforeEach(() => {
    vi.useFakeTimers();
    transport = new FakeTransport();
    user = new RecordingUser();
    errors = [];
    layer = new TransactionLayer(transport, user, {
      onError: (e, c) => errors.push(`${c}: ${e.message}`),
    });
  });

  afterEach(() => {
    layer.close();
    vi.useRealTimers();
  });

  const idle = () => {
    expect(layer.stats()).toEqual({ client: 0, server: 0 });
    expect(vi.getTimerCount()).toBe(0);
  };

  it('answers an INVITE with 100 Trying at once and absorbs retransmissions by resending the last response', () => {
    const invite = request({ branch: newBranch() });
    layer.receive(rx(invite));
    expect(transport.lines()).toEqual(['100']);
    expect(user.requests).toHaveLength(1);
    const tx = user.requests[0]!;
    expect(tx.state).toBe('proceeding');

    layer.receive(rx(invite));
    expect(transport.lines()).toEqual(['100', '100']);
    tx.respond(createResponse(invite, 180, { toTag: 't1' }));
    layer.receive(rx(invite));
    expect(transport.lines()).toEqual(['100', '100', '180', '180']);
    expect(user.requests).toHaveLength(1);
    expect(transport.sent[0]!.target).toEqual({
      protocol: 'udp',
      host: '198.51.100.7',
      port: 5070,
    });
  });

  it('without autoTrying sends nothing until the TU answers', () => {
    const quiet = new TransactionLayer(transport, user, { autoTrying: false });
    const invite = request();
    quiet.receive(rx(invite));
    quiet.receive(rx(invite));
    expect(transport.sent).toHaveLength(0);
    quiet.close();
  });

  it('answers CANCEL 200 with the INVITE response To tag and calls onCancel once; 487 then ACK', () => {
    const branch = newBranch();
    const invite = request({ branch });
    const cancels: string[] = [];
    user.answer = (tx) => {
      tx.onCancel = () => {
        cancels.push(tx.id);
        tx.respond(createResponse(invite, 487, { toTag: 't9' }));
      };
      tx.respond(createResponse(invite, 180, { toTag: 't9' }));
    };
    layer.receive(rx(invite));
    const cancel = request({ method: 'CANCEL', branch });
    layer.receive(rx(cancel));
    layer.receive(rx(cancel)); // retransmitted CANCEL: its 200 again, no second onCancel
    expect(transport.lines()).toEqual(['100', '180', '200', '487', '200']);
    expect(cancels).toHaveLength(1);
    const ok = transport.sent[2]!.message;
    expect(toTag(ok)).toBe('t9');
    expect(user.requests).toHaveLength(1); // the TU never sees the CANCEL itself

    vi.advanceTimersByTime(500); // Timer G
    expect(transport.lines().slice(5)).toEqual(['487']);
    layer.receive(rx(request({ method: 'ACK', branch, toTag: 't9' })));
    expect(user.requests[0]!.state).toBe('confirmed');
    expect(user.acks).toHaveLength(0);
    vi.advanceTimersByTime(60_000);
    expect(transport.lines().slice(5)).toEqual(['487']); // no Timer G after the ACK
    idle();
  });

  it('answers a CANCEL matching no INVITE with 481 and does not bother the TU', () => {
    layer.receive(rx(request({ method: 'CANCEL' })));
    expect(transport.lines()).toEqual(['481']);
    expect(user.requests).toHaveLength(0);
    vi.advanceTimersByTime(32_000); // Timer J of the CANCEL's own transaction
    idle();
  });

  it('answers CANCEL 200 without onCancel once the INVITE has its final response', () => {
    const branch = newBranch();
    const invite = request({ branch });
    const onCancel = vi.fn();
    user.answer = (tx) => {
      tx.onCancel = onCancel;
      tx.respond(createResponse(invite, 200, { toTag: 'x' }));
    };
    layer.receive(rx(invite));
    layer.receive(rx(request({ method: 'CANCEL', branch })));
    expect(transport.lines()).toEqual(['100', '200', '200']);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it('retransmits a final non-2xx with Timer G until Timer H ends the transaction', () => {
    const invite = request();
    user.answer = (tx) => tx.respond(createResponse(invite, 486, { toTag: 'b' }));
    layer.receive(rx(invite));
    const times: number[] = [];
    let seen = transport.sent.length;
    for (let t = 100; t <= 40_000; t += 100) {
      vi.advanceTimersByTime(100);
      for (; seen < transport.sent.length; seen++) times.push(t);
    }
    expect(times).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(user.requests[0]!.state).toBe('terminated');
    idle();
  });

  it('Accepted (RFC 6026): resends the 2xx on INVITE retransmissions, passes the 2xx ACK to the TU, Timer L ends it', () => {
    const invite = request();
    user.answer = (tx) => tx.respond(createResponse(invite, 200, { toTag: 'ok' }));
    layer.receive(rx(invite));
    const tx = user.requests[0]!;
    expect(tx.state).toBe('accepted');
    layer.receive(rx(invite));
    expect(transport.lines()).toEqual(['100', '200', '200']);
    tx.respond(createResponse(invite, 200, { toTag: 'ok' })); // the TU's own 2xx retransmission
    expect(transport.lines()).toHaveLength(4);
    layer.receive(rx(request({ method: 'ACK', toTag: 'ok' }))); // new branch: an ACK for the 2xx
    expect(user.acks).toHaveLength(1);
    const sameBranch = invite.headers.find((h) => h.name === 'Via')!.value;
    layer.receive(rx(request({ method: 'ACK', via: sameBranch, toTag: 'ok' }))); // RFC 6026 7.1
    expect(user.acks).toHaveLength(2);
    expect(tx.state).toBe('accepted');
    vi.advanceTimersByTime(32_000);
    expect(tx.state).toBe('terminated');
    idle();
  });

  it('non-INVITE: absorbs retransmissions in Trying, resends the final in Completed, Timer J ends it', () => {
    const options = request({ method: 'OPTIONS' });
    layer.receive(rx(options));
    layer.receive(rx(options));
    expect(transport.sent).toHaveLength(0);
    const tx = user.requests[0]!;
    tx.respond(createResponse(options, 200, { toTag: 'o' }));
    layer.receive(rx(options));
    expect(transport.lines()).toEqual(['200', '200']);
    expect(user.requests).toHaveLength(1);
    vi.advanceTimersByTime(31_999);
    expect(tx.state).toBe('completed');
    vi.advanceTimersByTime(1);
    idle();
  });

  it('over a reliable transport: no Timer G, ACK ends the transaction, J is zero', () => {
    const invite = request({ protocol: 'tcp' });
    user.answer = (tx) => tx.respond(createResponse(invite, 503, { toTag: 'b' }));
    layer.receive(rx(invite, TCP_PEER, 'conn-7'));
    expect(transport.sent.map((s) => s.target.connectionId)).toEqual(['conn-7', 'conn-7']);
    vi.advanceTimersByTime(10_000);
    expect(transport.lines()).toEqual(['100', '503']);
    layer.receive(rx(request({ method: 'ACK', protocol: 'tcp' }), TCP_PEER, 'conn-7'));
    expect(user.acks).toHaveLength(1); // a different branch: not this transaction's ACK
    const branchAck = invite.headers.find((h) => h.name === 'Via')!.value;
    layer.receive(rx(request({ method: 'ACK', via: branchAck, toTag: 'b' }), TCP_PEER, 'conn-7'));
    idle();

    const bye = request({ method: 'BYE', protocol: 'tcp' });
    user.answer = (tx) => tx.respond(createResponse(bye, 200));
    layer.receive(rx(bye, TCP_PEER, 'conn-7'));
    idle();
  });

  it('matches RFC 2543 requests (no magic cookie) by Call-ID, CSeq, From tag and Via', () => {
    const via = 'SIP/2.0/UDP 198.51.100.7:5070;branch=old-style-1';
    const invite = request({ via });
    user.answer = (tx) => tx.respond(createResponse(invite, 486, { toTag: 'z' }));
    layer.receive(rx(invite));
    layer.receive(rx(request({ via })));
    expect(user.requests).toHaveLength(1);
    expect(transport.lines()).toEqual(['100', '486', '486']);
    layer.receive(rx(request({ method: 'ACK', via, toTag: 'z' })));
    expect(user.requests[0]!.state).toBe('confirmed');
    layer.receive(rx(request({ via, cseq: 2 })));
    expect(user.requests).toHaveLength(2);
  });

  it('logs a failed response send and ends the transaction', async () => {
    transport.failWith = new Error('socket closed');
    const options = request({ method: 'OPTIONS' });
    user.answer = (tx) => tx.respond(createResponse(options, 200));
    layer.receive(rx(options));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/socket closed/);
    idle();
  });

  it('answers 500 when the TU throws on a new request, instead of leaking the transaction', () => {
    user.answer = () => {
      throw new Error('bug');
    };
    const options = request({ method: 'OPTIONS', protocol: 'tcp' });
    layer.receive(rx(options, TCP_PEER, 'c'));
    expect(transport.sent.map((s) => statusOf(s.message))).toEqual([500]);
    expect(errors[0]).toMatch(/bug/);
    idle();
  });
});
