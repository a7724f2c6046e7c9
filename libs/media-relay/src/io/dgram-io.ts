// Relay sockets on node:dgram: one JS callback and one Buffer per datagram. Works everywhere
// (IPv4 and IPv6); batch-io.ts is the faster path for IPv4 on Linux.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  PortCursor,
  PortsExhaustedError,
  type PacketHandler,
  type PacketIo,
  type PortPair,
  type UdpEndpoint,
} from './types';

const bind = (socket: Socket, port: number, address: string) =>
  new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });

const closeQuietly = (socket: Socket) => {
  try {
    socket.close();
  } catch {
    // already closed
  }
};

/**
 * We only ever send to IP literals (SDP addresses are validated, latched ones come from the
 * kernel), so skip dns.lookup: by default every unconnected send goes through it and a
 * process.nextTick, a measurable share of the per-packet cost.
 */
const literalLookup =
  (family: 4 | 6) =>
  (
    address: string,
    _options: unknown,
    callback: (err: Error | null, address: string, family: number) => void,
  ): void =>
    callback(null, address, family);

class DgramEndpoint implements UdpEndpoint {
  constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {}

  listen(handler: PacketHandler, onError: (err: Error) => void): void {
    this.socket.on('message', (msg, rinfo) => handler(msg, rinfo.address, rinfo.port));
    this.socket.on('error', onError);
  }

  send(bytes: Uint8Array, port: number, address: string): void {
    this.socket.send(bytes, port, address);
  }
}

export class DgramIo implements PacketIo {
  readonly kind = 'dgram' as const;
  private readonly ports: PortCursor;

  constructor(
    min: number,
    max: number,
    private readonly address: string,
    /** Socket buffer size in bytes; a relay under load needs more than the kernel default. */
    private readonly bufferBytes = 1 << 20,
  ) {
    this.ports = new PortCursor(min, max);
  }

  get capacity(): number {
    return this.ports.pairs;
  }

  get free(): number {
    return this.ports.pairs - this.ports.inUse.size;
  }

  async allocate(): Promise<PortPair> {
    for (const port of this.ports.candidates()) {
      this.ports.inUse.add(port);
      const type = isIPv6(this.address) ? 'udp6' : 'udp4';
      const lookup = literalLookup(type === 'udp6' ? 6 : 4);
      const rtp = createSocket({ type, recvBufferSize: this.bufferBytes, lookup });
      const rtcp = createSocket({ type, lookup });
      try {
        await bind(rtp, port, this.address);
        await bind(rtcp, port + 1, this.address);
        try {
          rtp.setSendBufferSize(this.bufferBytes);
        } catch {
          // the kernel caps it (net.core.wmem_max); the default still works
        }
        return {
          rtpPort: port,
          rtp: new DgramEndpoint(rtp, port),
          rtcp: new DgramEndpoint(rtcp, port + 1),
        };
      } catch {
        closeQuietly(rtp);
        closeQuietly(rtcp);
        this.ports.inUse.delete(port);
      }
    }
    throw new PortsExhaustedError(this.ports.min, this.ports.max);
  }

  release(pair: PortPair): void {
    for (const e of [pair.rtp, pair.rtcp]) {
      if (e instanceof DgramEndpoint) closeQuietly(e.socket);
    }
    this.ports.inUse.delete(pair.rtpPort);
  }

  close(): void {
    // Sockets are released with their sessions.
  }
}
