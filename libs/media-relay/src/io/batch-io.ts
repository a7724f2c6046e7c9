// Relay sockets on the udp_batch addon (libs/media-relay/native/udp_batch.c): every ready
// socket is drained with recvmmsg into one shared buffer and JS is called once per batch; sends
// are synchronous sendto(). No Buffer, no rinfo and no callback per datagram, which is what
// node:dgram costs (see docs/media-worker.md, "Socket I/O"). IPv4 only.

import { existsSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { resolve } from 'node:path';
import {
  PortCursor,
  PortsExhaustedError,
  type PacketHandler,
  type PacketIo,
  type PortPair,
  type UdpEndpoint,
} from './types';

interface Native {
  SLOTS: number;
  SLOT_BYTES: number;
  META: number;
  create(onBatch: (count: number) => void, rx: Uint8Array, meta: Int32Array): unknown;
  bind(handle: unknown, ip: number, port: number, token: number, rcvbuf: number): number;
  close(handle: unknown, fd: number): void;
  send(fd: number, bytes: Uint8Array, ip: number, port: number): number;
  destroy(handle: unknown): void;
}

/** Where the build puts the addon: dist/native/udp_batch.node (scripts/build.mjs). */
const candidates = () => [
  process.env.CCX_UDP_BATCH_ADDON,
  resolve(__dirname, '../../../../native/udp_batch.node'), // from dist/libs/media-relay/src/io
  resolve(__dirname, '../../../../dist/native/udp_batch.node'), // from libs/media-relay/src/io
];

let loaded: Native | null | undefined;

/** The addon, or undefined when it is not built (or not loadable here): use DgramIo then. */
export function loadUdpBatch(): Native | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  for (const file of candidates()) {
    if (file === undefined || !existsSync(file)) continue;
    try {
      // A native addon is loaded by path at run time: only require() can do that.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(file) as Native;
      break;
    } catch {
      // wrong platform or ABI: fall back
    }
  }
  return loaded ?? undefined;
}

const ipToInt = (address: string): number => {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return (a << 24) | (b << 16) | (c << 8) | d | 0;
};
const intToIp = (ip: number): string =>
  `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;

const errnoError = (what: string, code: number) =>
  Object.assign(new Error(`${what} failed (errno ${-code})`), { errno: code });

class BatchEndpoint implements UdpEndpoint {
  handler?: PacketHandler;
  onError?: (err: Error) => void;

  constructor(
    private readonly io: BatchIo,
    readonly fd: number,
    readonly port: number,
    readonly token: number,
  ) {}

  listen(handler: PacketHandler, onError: (err: Error) => void): void {
    this.handler = handler;
    this.onError = onError;
  }

  send(bytes: Uint8Array, port: number, address: string): void {
    const sent = this.io.native.send(this.fd, bytes, this.io.ipOf(address), port);
    if (sent < 0) this.onError?.(errnoError('sendto', sent));
  }
}

export class BatchIo implements PacketIo {
  readonly kind = 'batch' as const;
  private readonly ports: PortCursor;
  private readonly handle: unknown;
  private readonly rx: Uint8Array;
  private readonly meta: Int32Array;
  private readonly byToken = new Map<number, BatchEndpoint>();
  private nextToken = 1;
  private readonly ips = new Map<string, number>();
  private readonly names = new Map<number, string>();
  private readonly ip: number;
  /** Datagrams larger than a slot (2 KB): not RTP we relay. */
  truncated = 0;

  constructor(
    readonly native: Native,
    min: number,
    max: number,
    address: string,
    private readonly bufferBytes = 1 << 20,
  ) {
    if (!isIPv4(address)) throw new Error(`batch I/O binds IPv4 only, not ${address}`);
    this.ports = new PortCursor(min, max);
    this.ip = ipToInt(address);
    this.rx = new Uint8Array(native.SLOTS * native.SLOT_BYTES);
    this.meta = new Int32Array(native.SLOTS * native.META);
    this.handle = native.create((count) => this.onBatch(count), this.rx, this.meta);
  }

  get capacity(): number {
    return this.ports.pairs;
  }

  get free(): number {
    return this.ports.pairs - this.ports.inUse.size;
  }

  /** The int form of an IPv4 literal, cached (a call has a handful of addresses). */
  ipOf(address: string): number {
    let ip = this.ips.get(address);
    if (ip === undefined) {
      ip = ipToInt(address);
      if (this.ips.size > 10_000) this.ips.clear();
      this.ips.set(address, ip);
    }
    return ip;
  }

  private nameOf(ip: number): string {
    let name = this.names.get(ip);
    if (name === undefined) {
      name = intToIp(ip);
      if (this.names.size > 10_000) this.names.clear();
      this.names.set(ip, name);
    }
    return name;
  }

  private onBatch(count: number): void {
    const { meta, rx } = this;
    const slotBytes = this.native.SLOT_BYTES;
    for (let i = 0; i < count; i++) {
      const m = i * 4;
      const endpoint = this.byToken.get(meta[m] as number);
      const length = meta[m + 1] as number;
      if (endpoint?.handler === undefined) continue;
      if (length < 0) {
        this.truncated++;
        continue;
      }
      const offset = i * slotBytes;
      try {
        endpoint.handler(
          rx.subarray(offset, offset + length),
          this.nameOf(meta[m + 2] as number),
          meta[m + 3] as number,
        );
      } catch (err) {
        endpoint.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private bindOne(port: number): BatchEndpoint | number {
    const token = this.nextToken++;
    const fd = this.native.bind(this.handle, this.ip, port, token, this.bufferBytes);
    if (fd < 0) return fd;
    const endpoint = new BatchEndpoint(this, fd, port, token);
    this.byToken.set(token, endpoint);
    return endpoint;
  }

  async allocate(): Promise<PortPair> {
    for (const port of this.ports.candidates()) {
      const rtp = this.bindOne(port);
      if (typeof rtp === 'number') continue;
      const rtcp = this.bindOne(port + 1);
      if (typeof rtcp === 'number') {
        this.closeEndpoint(rtp);
        continue;
      }
      this.ports.inUse.add(port);
      return { rtpPort: port, rtp, rtcp };
    }
    throw new PortsExhaustedError(this.ports.min, this.ports.max);
  }

  private closeEndpoint(e: BatchEndpoint): void {
    this.byToken.delete(e.token);
    e.handler = undefined;
    this.native.close(this.handle, e.fd);
  }

  release(pair: PortPair): void {
    for (const e of [pair.rtp, pair.rtcp]) if (e instanceof BatchEndpoint) this.closeEndpoint(e);
    this.ports.inUse.delete(pair.rtpPort);
  }

  close(): void {
    for (const e of [...this.byToken.values()]) this.closeEndpoint(e);
    this.native.destroy(this.handle);
  }
}
