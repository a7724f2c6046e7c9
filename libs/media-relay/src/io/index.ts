import { isIPv4 } from 'node:net';
import { BatchIo, loadUdpBatch } from './batch-io';
import { DgramIo } from './dgram-io';
import type { PacketIo } from './types';

export type IoKind = 'auto' | 'batch' | 'dgram';

/**
 * The relay's socket I/O: `batch` (the native recvmmsg addon, IPv4 on Linux) when asked for or,
 * with `auto`, when it is built and the bind address is IPv4; otherwise node:dgram.
 */
export function createPacketIo(kind: IoKind, min: number, max: number, address: string): PacketIo {
  const native = kind === 'dgram' ? undefined : loadUdpBatch();
  if (kind === 'batch' && native === undefined) {
    throw new Error('MEDIA_IO=batch but the udp_batch addon is not built (npm run build)');
  }
  if (native !== undefined && isIPv4(address)) return new BatchIo(native, min, max, address);
  if (kind === 'batch') throw new Error(`MEDIA_IO=batch binds IPv4 only, not ${address}`);
  return new DgramIo(min, max, address);
}

export { PortsExhaustedError, type PacketIo, type PortPair, type UdpEndpoint } from './types';
