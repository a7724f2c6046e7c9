// Socket I/O of the relay behind one interface, so the packet path does not care whether
// datagrams come from node:dgram or from the batched native receiver (see batch-io.ts).

/** Called for every datagram, synchronously; `bytes` is only valid during the call. */
export type PacketHandler = (bytes: Uint8Array, address: string, port: number) => void;

export interface UdpEndpoint {
  readonly port: number;
  listen(handler: PacketHandler, onError: (err: Error) => void): void;
  /** Sends at once (the bytes may be reused after the call returns); errors go to onError. */
  send(bytes: Uint8Array, port: number, address: string): void;
}

/** An even port for RTP and the odd one above it for RTCP (RFC 3550 §11). */
export interface PortPair {
  rtpPort: number;
  rtp: UdpEndpoint;
  rtcp: UdpEndpoint;
}

export interface PacketIo {
  /** `dgram` or `batch`, for logs and health. */
  readonly kind: 'dgram' | 'batch';
  /** How many pairs the port range holds. */
  readonly capacity: number;
  readonly free: number;
  allocate(): Promise<PortPair>;
  release(pair: PortPair): void;
  close(): void;
}

export class PortsExhaustedError extends Error {
  constructor(min: number, max: number) {
    super(`no free UDP port pair in ${min}-${max}`);
    this.name = 'PortsExhaustedError';
  }
}

/**
 * Walks a port range round-robin, even ports only, so a port just freed is not handed out again
 * at once (late packets of the old call must not reach the new one).
 */
export class PortCursor {
  private readonly first: number;
  readonly pairs: number;
  private cursor = 0;
  readonly inUse = new Set<number>();

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    this.first = min % 2 === 0 ? min : min + 1;
    this.pairs = Math.max(0, Math.floor((max - this.first + 1) / 2));
  }

  /** Candidate RTP ports, each at most once per walk, skipping those in use. */
  *candidates(): Generator<number> {
    for (let tried = 0; tried < this.pairs; tried++) {
      const port = this.first + 2 * this.cursor;
      this.cursor = (this.cursor + 1) % this.pairs;
      if (!this.inUse.has(port)) yield port;
    }
  }
}
