// UDP port pairs from a configured range: an even port for RTP and the odd one above it for
// RTCP (RFC 3550 §11), bound together. A pair whose bind fails (another process holds one of
// the ports) is skipped; the pool walks the range round-robin so a port just freed is not
// handed out again at once (late packets of the old call must not reach the new one).

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

export interface PortPair {
  rtpPort: number;
  rtp: Socket;
  rtcp: Socket;
}

export class PortsExhaustedError extends Error {
  constructor(min: number, max: number) {
    super(`no free UDP port pair in ${min}-${max}`);
    this.name = 'PortsExhaustedError';
  }
}

const bind = (socket: Socket, port: number, address: string) =>
  new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });

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

const closeQuietly = (socket: Socket) => {
  try {
    socket.close();
  } catch {
    // already closed
  }
};

export class PortPool {
  /** First even port of the range. */
  private readonly first: number;
  private readonly pairs: number;
  private cursor = 0;
  private readonly inUse = new Set<number>();

  constructor(
    private readonly min: number,
    private readonly max: number,
    private readonly address: string,
    /** Socket buffer size in bytes; a relay under load needs more than the kernel default. */
    private readonly bufferBytes = 1 << 20,
  ) {
    this.first = min % 2 === 0 ? min : min + 1;
    this.pairs = Math.max(0, Math.floor((max - this.first + 1) / 2));
  }

  /** How many pairs the range holds. */
  get capacity(): number {
    return this.pairs;
  }

  get free(): number {
    return this.pairs - this.inUse.size;
  }

  async allocate(): Promise<PortPair> {
    for (let tried = 0; tried < this.pairs; tried++) {
      const port = this.first + 2 * this.cursor;
      this.cursor = (this.cursor + 1) % this.pairs;
      if (this.inUse.has(port)) continue;
      this.inUse.add(port);
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
        return { rtpPort: port, rtp, rtcp };
      } catch {
        closeQuietly(rtp);
        closeQuietly(rtcp);
        this.inUse.delete(port);
      }
    }
    throw new PortsExhaustedError(this.min, this.max);
  }

  release(pair: PortPair): void {
    closeQuietly(pair.rtp);
    closeQuietly(pair.rtcp);
    this.inUse.delete(pair.rtpPort);
  }
}
