// A party on one leg of a relayed call, for tests: a real UDP socket on loopback that sends RTP
// and keeps what it receives.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { buildRtpPacket, classifyPacket, isRtpDrop, parseRtp, type RtpHeader } from '@ccx/rtp';
import { waitFor } from './bus';

export interface Received {
  bytes: Buffer;
  from: RemoteInfo;
}

export class RtpPeer {
  readonly received: Received[] = [];
  seq = 1000;
  timestamp = 160_000;
  ssrc = 0x11223344;

  private constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (bytes, from) => this.received.push({ bytes, from }));
  }

  static async open(address = '127.0.0.1'): Promise<RtpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new RtpPeer(socket, socket.address().port);
  }

  /** An SDP for this party (c=/m= on its own port). */
  sdp(codecs: { pt: number; name: string }[], extra: string[] = [], profile = 'RTP/AVP'): string {
    return [
      'v=0',
      `o=peer 1 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.port} ${profile} ${codecs.map((c) => c.pt).join(' ')}`,
      ...codecs.map((c) =>
        c.name === 'telephone-event'
          ? `a=rtpmap:${c.pt} telephone-event/8000\r\na=fmtp:${c.pt} 0-16`
          : `a=rtpmap:${c.pt} ${c.name}/8000`,
      ),
      'a=ptime:20',
      ...extra,
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  send(bytes: Uint8Array, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(bytes, port, address, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends one RTP packet with the next sequence number and timestamp (+160). */
  async sendRtp(
    port: number,
    payloadType: number,
    payload: Uint8Array,
    opts: { marker?: boolean; timestamp?: number; advance?: boolean } = {},
  ): Promise<Uint8Array> {
    const packet = buildRtpPacket(
      {
        payloadType,
        sequence: this.seq,
        timestamp: opts.timestamp ?? this.timestamp,
        ssrc: this.ssrc,
        marker: opts.marker ?? false,
      },
      payload,
    );
    this.seq = (this.seq + 1) & 0xffff;
    if (opts.advance !== false) this.timestamp = (this.timestamp + payload.length) >>> 0;
    await this.send(packet, port);
    return packet;
  }

  /** Received RTP packets (RTCP left out), parsed. */
  rtp(): { header: RtpHeader; payload: Buffer; bytes: Buffer }[] {
    const out: { header: RtpHeader; payload: Buffer; bytes: Buffer }[] = [];
    for (const r of this.received) {
      if (classifyPacket(r.bytes) !== 'rtp') continue;
      const header = parseRtp(r.bytes);
      if (isRtpDrop(header)) continue;
      out.push({
        header,
        bytes: r.bytes,
        payload: r.bytes.subarray(
          header.payloadOffset,
          header.payloadOffset + header.payloadLength,
        ),
      });
    }
    return out;
  }

  rtcp(): Buffer[] {
    return this.received.filter((r) => classifyPacket(r.bytes) === 'rtcp').map((r) => r.bytes);
  }

  async waitForRtp(count: number, timeoutMs = 5_000): Promise<void> {
    await waitFor(
      `${count} RTP packets on port ${this.port}`,
      () => this.rtp().length >= count,
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}
