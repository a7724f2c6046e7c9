import { afterEach, describe, expect, it } from 'vitest';
import { createResponse, serializeSipMessage, topVia } from '@ccx/sip';
import { waitFor } from '../../support/bus';
import {
  closeAll,
  optionsRequest,
  rawOptions,
  rawTcp,
  rawUdp,
  startLayer,
} from './transport-support';

afterEach(closeAll);

describe('SIP transport over UDP', () => {
  it.each(['127.0.0.1', '::1'])(
    'round-trips on %s: received and rport filled, the response reaches the source port',
    async (host) => {
      const sbc = await startLayer([{ protocol: 'udp', host, port: 0 }]);
      const [bound] = sbc.layer.addresses();
      expect(bound?.port).toBeGreaterThan(0);
      const peer = await rawUdp(host);
      peer.send(
        serializeSipMessage(optionsRequest('SIP/2.0/UDP client.example.test:5999;rport')),
        bound?.port ?? 0,
      );
      const rx = await sbc.received.next();
      expect(rx.source).toEqual({ protocol: 'udp', host, port: peer.port });
      expect(rx.local).toEqual(bound);
      expect(rx.connectionId).toBe(undefined);
      expect(topVia(rx.message)?.params).toMatchObject({
        received: host,
        rport: String(peer.port),
      });
      await sbc.layer.send(createResponse(rx.message, 200), rx.source);
      const answer = await peer.inbox.next();
      expect(answer.startLine).toMatchObject({ type: 'response', status: 200 });
      expect(topVia(answer)?.params['rport']).toBe(String(peer.port));
    },
  );

  it('advertises the listener of the target family in viaAddress', async () => {
    const sbc = await startLayer([
      { protocol: 'udp', host: '127.0.0.1', port: 0, advertise: 'sbc.example.test' },
      { protocol: 'udp', host: '::1', port: 0 },
    ]);
    const [v4, v6] = sbc.layer.addresses();
    expect(sbc.layer.viaAddress({ protocol: 'udp', host: '192.0.2.1', port: 5060 })).toEqual({
      protocol: 'udp',
      host: 'sbc.example.test',
      port: v4?.port,
    });
    expect(sbc.layer.viaAddress({ protocol: 'udp', host: '2001:db8::1', port: 5060 })).toEqual(v6);
  });

  it('answers an unparseable request with scrapeable headers with 400, and drops garbage', async () => {
    const sbc = await startLayer([{ protocol: 'udp', host: '127.0.0.1', port: 0 }]);
    const port = sbc.layer.addresses()[0]?.port ?? 0;
    const peer = await rawUdp('127.0.0.1');
    const bad = rawOptions('SIP/2.0/UDP 127.0.0.1:1;rport').replace('1 OPTIONS', '1 INVITE');
    peer.send(bad, port);
    const answer = await peer.inbox.next();
    expect(answer.startLine).toMatchObject({ status: 400 });
    if (answer.startLine.type === 'response') expect(answer.startLine.reason).toMatch(/CSeq/);
    expect(await sbc.invalid.next()).toMatchObject({ answered400: true });

    peer.send('\x16\x03\x01 not sip at all\r\n\r\n', port);
    expect(await sbc.invalid.next()).toMatchObject({ answered400: false });
    peer.send('\r\n\r\n', port); // keep-alive: neither a message nor invalid
    // The next thing the peer hears is the answer to this OPTIONS, not a 400 for the garbage.
    peer.send(rawOptions('SIP/2.0/UDP 127.0.0.1:1'), port);
    const rx = await sbc.received.next();
    await sbc.layer.send(createResponse(rx.message, 200), rx.source);
    expect((await peer.inbox.next()).startLine).toMatchObject({ status: 200 });
  });

  it('rejects a send when no listener has the target IP family', async () => {
    const sbc = await startLayer([{ protocol: 'udp', host: '127.0.0.1', port: 0 }]);
    await expect(
      sbc.layer.send(optionsRequest('SIP/2.0/UDP x'), { protocol: 'udp', host: '::1', port: 9 }),
    ).rejects.toThrow(/no UDP listener/);
  });
});

describe('SIP transport over TCP', () => {
  it('frames a message sent one byte at a time and two messages in one chunk', async () => {
    const sbc = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    const port = sbc.layer.addresses()[0]?.port ?? 0;
    const peer = await rawTcp('127.0.0.1', port);
    const one = Buffer.from(rawOptions('SIP/2.0/TCP client.example.test'));
    for (const b of one) {
      peer.socket.write(Buffer.of(b));
      await new Promise((r) => setImmediate(r));
    }
    const first = await sbc.received.next();
    expect(first.bytes).toBe(one.length);
    expect(first.connectionId).toMatch(/^tcp-/);
    expect(topVia(first.message)?.params['received']).toBe('127.0.0.1');

    const a = rawOptions('SIP/2.0/TCP client.example.test');
    const b = rawOptions('SIP/2.0/TCP client.example.test');
    peer.socket.write(a + b);
    const [ra, rb] = [await sbc.received.next(), await sbc.received.next()];
    expect(ra.message.headers.find((h) => h.name === 'Call-ID')?.value).toBe(
      /Call-ID: (\S+)/.exec(a)?.[1],
    );
    expect(rb.message.headers.find((h) => h.name === 'Call-ID')?.value).toBe(
      /Call-ID: (\S+)/.exec(b)?.[1],
    );
    expect(ra.connectionId).toBe(first.connectionId);

    await sbc.layer.send(createResponse(ra.message, 200), ra.source);
    await peer.until((t) => t.includes('SIP/2.0 200 OK'));
  });

  it('answers a CRLFCRLF keep-alive ping with CRLF and keeps the connection', async () => {
    const sbc = await startLayer([{ protocol: 'tcp', host: '::1', port: 0 }]);
    const peer = await rawTcp('::1', sbc.layer.addresses()[0]?.port ?? 0);
    peer.socket.write('\r\n\r\n');
    expect(await peer.until((t) => t.length > 0)).toBe('\r\n');
    peer.socket.write(rawOptions('SIP/2.0/TCP [::1]:5060'));
    const rx = await sbc.received.next();
    expect(rx.source.host).toBe('::1');
    // A ping in the same segment as a message (Content-Length 0, so it ends in CRLFCRLF itself).
    peer.socket.write(`${rawOptions('SIP/2.0/TCP [::1]:5060')}\r\n\r\n`);
    const glued = await sbc.received.next();
    await sbc.layer.send(createResponse(glued.message, 200), glued.source);
    const text = await peer.until((t) => t.includes('SIP/2.0 200 OK'));
    // Exactly two pongs before the response: none for the messages without a ping.
    expect(text.slice(0, text.indexOf('SIP/2.0'))).toBe('\r\n\r\n');
  });

  it('answers a head without Content-Length with 400 and closes the connection', async () => {
    const sbc = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    const peer = await rawTcp('127.0.0.1', sbc.layer.addresses()[0]?.port ?? 0);
    peer.socket.write(rawOptions('SIP/2.0/TCP client.example.test', false));
    await peer.closed;
    expect(peer.text()).toMatch(/^SIP\/2\.0 400 no Content-Length on a stream transport\r\n/);
    expect(await sbc.invalid.next()).toMatchObject({ answered400: true });
  });

  it('reuses connections: same pool entry for a peer, and the connection a peer opened to us', async () => {
    const server = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    const client = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    const target = server.layer.addresses()[0];
    if (!target) throw new Error('no address');
    const s1 = await client.layer.send(optionsRequest('SIP/2.0/TCP c.example.test'), target);
    const s2 = await client.layer.send(optionsRequest('SIP/2.0/TCP c.example.test'), target);
    expect(s2.connectionId).toBe(s1.connectionId);
    expect(client.layer.connectionCount).toBe(1);
    const r1 = await server.received.next();
    const r2 = await server.received.next();
    expect(r2.connectionId).toBe(r1.connectionId);
    expect(r1.source.port).toBe(s1.local.port);

    // A request to the peer's address goes back on the connection it opened, not a new one.
    const back = await server.layer.send(optionsRequest('SIP/2.0/TCP s.example.test'), r1.source);
    expect(back.connectionId).toBe(r1.connectionId);
    const rx = await client.received.next();
    expect(rx.connectionId).toBe(s1.connectionId);
    expect(server.layer.connectionCount).toBe(1);

    // A connectionId that is gone falls back to the pool.
    const s3 = await client.layer.send(optionsRequest('SIP/2.0/TCP c.example.test'), {
      ...target,
      connectionId: 'tcp-999999',
    });
    expect(s3.connectionId).toBe(s1.connectionId);
  });

  it('rejects a send to a closed port without disturbing anything else', async () => {
    const closed = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    const port = closed.layer.addresses()[0]?.port ?? 0;
    await closed.layer.stop();
    const client = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }]);
    await expect(
      client.layer.send(optionsRequest('SIP/2.0/TCP c.example.test'), {
        protocol: 'tcp',
        host: '127.0.0.1',
        port,
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses connections beyond maxConnections', async () => {
    const sbc = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }], {
      maxConnections: 1,
    });
    const port = sbc.layer.addresses()[0]?.port ?? 0;
    const first = await rawTcp('127.0.0.1', port);
    first.socket.write(rawOptions('SIP/2.0/TCP a.example.test'));
    await sbc.received.next();
    const second = await rawTcp('127.0.0.1', port);
    await second.closed;
    expect(sbc.layer.connectionCount).toBe(1);
  });

  it('closes an idle connection, and a handler that throws does not stop the next message', async () => {
    const sbc = await startLayer([{ protocol: 'tcp', host: '127.0.0.1', port: 0 }], {
      idleTimeoutMs: 200,
      onMessage: () => {
        throw new Error('handler bug');
      },
    });
    const peer = await rawTcp('127.0.0.1', sbc.layer.addresses()[0]?.port ?? 0);
    const invalid = sbc.invalid.next();
    peer.socket.write(rawOptions('SIP/2.0/TCP a.example.test'));
    // The throwing handler saw the OPTIONS; a bad request after it is still read and answered.
    peer.socket.write(rawOptions('SIP/2.0/TCP a.example.test').replace('1 OPTIONS', '1 BYE'));
    await invalid;
    await peer.until((t) => t.startsWith('SIP/2.0 400 '));
    await peer.closed;
    await waitFor('the server to forget the connection', () => sbc.layer.connectionCount === 0);
  });
});
