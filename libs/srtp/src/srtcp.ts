// SRTCP (RFC 3711 §3.4): the first 8 bytes (header and sender SSRC) stay clear, the rest of
// the compound packet is encrypted with AES-CM using the 31-bit SRTCP index, then E-flag ||
// index and an 80-bit HMAC-SHA1 tag over everything before it are appended. Per-SSRC index
// counters on the sending side, per-SSRC replay windows on the receiving side.
import { AesCm } from './aes-cm';
import { HmacSha1 } from './hmac-sha1';
import { outputBuffer, readUint32, tagsEqual } from './packet-index';
import { SsrcTable } from './ssrc-table';
import {
  MAX_PACKET_LENGTH,
  MAX_SRTCP_PACKETS,
  SRTCP_OVERHEAD,
  SRTCP_TAG_LENGTH,
  type SrtpDropReason,
} from './suites';

const HEADER = 8;
const MAX_SRTCP_INDEX = 0x7fffffff;

export class SrtcpContext {
  /** Packets protected or unprotected under this master key (key lifetime, §9.2). */
  packets = 0;
  private readonly cipher: AesCm;
  private readonly mac: HmacSha1;
  private readonly sources: SsrcTable;

  constructor(
    key: Uint8Array,
    salt: Uint8Array,
    authKey: Uint8Array,
    maxSsrcs: number,
    windowSize: number,
  ) {
    this.cipher = new AesCm(key, salt);
    this.mac = new HmacSha1(authKey);
    this.sources = new SsrcTable(maxSsrcs, windowSize);
  }

  protect(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    const length = packet.length;
    if (length < HEADER) return 'short';
    if (length + SRTCP_OVERHEAD > MAX_PACKET_LENGTH) return 'too-long';
    if (packet[0]! >>> 6 !== 2) return 'bad-header';
    if (this.packets >= MAX_SRTCP_PACKETS) return 'key-exhausted';
    const ssrc = readUint32(packet, 4);
    const state = this.sources.get(ssrc);
    // The index starts at 0 and counts up by one per packet sent (§3.4); it never wraps here.
    const index = state ? state.window.highest + 1 : 0;
    if (index > MAX_SRTCP_INDEX) return 'key-exhausted';

    const total = length + SRTCP_OVERHEAD;
    const dst = outputBuffer(out, total);
    for (let i = 0; i < HEADER; i++) dst[i] = packet[i]!;
    this.cipher.xor(packet, HEADER, length, dst, HEADER, ssrc, index >>> 16, index & 0xffff);
    dst[length] = 0x80 | (index >>> 24);
    dst[length + 1] = (index >>> 16) & 0xff;
    dst[length + 2] = (index >>> 8) & 0xff;
    dst[length + 3] = index & 0xff;
    const digest = this.mac.compute(dst, length + 4, 0, false);
    for (let i = 0; i < SRTCP_TAG_LENGTH; i++) dst[length + 4 + i] = digest[i]!;

    this.sources.accept(state, ssrc, index);
    this.packets++;
    return dst.length === total ? dst : dst.subarray(0, total);
  }

  unprotect(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    const length = packet.length;
    const end = length - SRTCP_OVERHEAD; // end of the RTCP packet, where E || index starts
    if (end < HEADER) return 'short';
    if (length > MAX_PACKET_LENGTH) return 'too-long';
    if (packet[0]! >>> 6 !== 2) return 'bad-header';
    if (this.packets >= MAX_SRTCP_PACKETS) return 'key-exhausted';
    const ssrc = readUint32(packet, 4);
    const word = readUint32(packet, end);
    const encrypted = word >>> 31 === 1;
    const index = word & MAX_SRTCP_INDEX;
    const state = this.sources.get(ssrc);
    const verdict = state ? state.window.check(index) : 'ok';
    if (verdict !== 'ok') return verdict;

    const digest = this.mac.compute(packet, end + 4, 0, false);
    if (!tagsEqual(packet, end + 4, digest, SRTCP_TAG_LENGTH)) return 'auth';

    // Authenticated: E = 0 means the sender chose not to encrypt (§3.4); the tag covers E.
    const dst = outputBuffer(out, end);
    if (encrypted) {
      for (let i = 0; i < HEADER; i++) dst[i] = packet[i]!;
      this.cipher.xor(packet, HEADER, end, dst, HEADER, ssrc, index >>> 16, index & 0xffff);
    } else if (dst !== packet) {
      for (let i = 0; i < end; i++) dst[i] = packet[i]!;
    }
    this.sources.accept(state, ssrc, index);
    this.packets++;
    return dst.length === end ? dst : dst.subarray(0, end);
  }
}
