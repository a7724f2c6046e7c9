// The native batched receiver on its own: real sockets, many datagrams per JS call, ports in
// use skipped, oversized datagrams refused, sockets closed on release.

import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { BatchIo, loadUdpBatch } from '@ccx/media-relay';
import { waitFor } from '../../support/bus';
import { RtpPeer } from '../../support/rtp-peer';

const native = loadUdpBatch();

describe.skipIf(native === undefined)('udp_batch I/O', () => {
  const base = 52_000 + (process.pid % 40) * 20;

  it('receives from several sockets, in place, with the source address; sends synchronously', async () => {
    const io = new BatchIo(native!, base, base + 9, '127.0.0.1');
    const peer = await RtpPeer.open();
    try {
      const pairs = [await io.allocate(), await io.allocate()];
      const got: { port: number; bytes: string; from: string }[] = [];
      for (const p of pairs) {
        p.rtp.listen(
          (bytes, address, port) =>
            got.push({
              port: p.rtpPort,
              bytes: Buffer.from(bytes).toString(),
              from: `${address}:${port}`,
            }),
          () => undefined,
        );
      }
      for (let i = 0; i < 50; i++) await peer.send(Buffer.from(`m${i}`), pairs[i % 2]!.rtpPort);
      await waitFor('50 datagrams', () => got.length === 50);
      expect(got.filter((g) => g.port === pairs[0]!.rtpPort).map((g) => g.bytes)).toEqual(
        Array.from({ length: 25 }, (_, i) => `m${2 * i}`),
      );
      expect(new Set(got.map((g) => g.from))).toEqual(new Set([`127.0.0.1:${peer.port}`]));
      pairs[1]!.rtp.send(Buffer.from('back'), peer.port, '127.0.0.1');
      await waitFor('the reply', () => peer.received.some((r) => r.bytes.toString() === 'back'));
      expect(peer.received.find((r) => r.bytes.toString() === 'back')!.from.port).toBe(
        pairs[1]!.rtpPort,
      );
    } finally {
      peer.close();
      io.close();
    }
  });

  it('skips ports held by another process, refuses oversized datagrams, frees ports on release', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(base + 10, '127.0.0.1', r));
    const io = new BatchIo(native!, base + 10, base + 13, '127.0.0.1');
    const peer = await RtpPeer.open();
    try {
      const pair = await io.allocate();
      expect(pair.rtpPort).toBe(base + 12);
      await expect(io.allocate()).rejects.toThrow(/no free UDP port pair/);
      const sizes: number[] = [];
      pair.rtp.listen(
        (bytes) => sizes.push(bytes.length),
        () => undefined,
      );
      await peer.send(new Uint8Array(3000), pair.rtpPort);
      await peer.send(new Uint8Array(172), pair.rtpPort);
      await waitFor('the small datagram', () => sizes.length === 1);
      expect(sizes).toEqual([172]);
      expect(io.truncated).toBe(1);
      io.release(pair);
      const again = await io.allocate();
      expect(again.rtpPort).toBe(base + 12);
    } finally {
      squatter.close();
      peer.close();
      io.close();
    }
  });
});
