// SRTP for RTP packets (RFC 3711 §3.1, §3.3): AES-CM over the payload, HMAC-SHA1 over
// header || encrypted payload || ROC, per-SSRC index estimate and replay window.
import { AesCm } from './aes-cm';
import { HmacSha1 } from './hmac-sha1';
import {
  MAX_SRTP_INDEX,
  estimateIndex,
  outputBuffer,
  readUint16,
  readUint32,
  rtpHeaderLength,
  tagsEqual,
} from './packet-index';
import { SsrcTable } from './ssrc-table';
import { MAX_PACKET_LENGTH, MAX_SRTP_PACKETS, type SrtpDropReason } from './suites';

export class SrtpRtpContext {
  /** Packets protected or unprotected under this master key (key lifetime, §9.2). */
  packets = 0;
  private readonly cipher: AesCm;
  private readonly mac: HmacSha1;
  private readonly sources: SsrcTable;

  constructor(
    key: Uint8Array,
    salt: Uint8Array,
    authKey: Uint8Array,
    readonly tagLength: number,
    maxSsrcs: number,
    windowSize: number,
  ) {
    this.cipher = new AesCm(key, salt);
    this.mac = new HmacSha1(authKey);
    this.sources = new SsrcTable(maxSsrcs, windowSize);
  }

  /**
   * The packet index (§3.3.1) of sequence number `seq` for a source, if the replay window lets it
   * through. Protecting applies it too: never reuse an index, since the same keystream over two
   * payloads would leak both.
   */
  private admit(state: ReturnType<SsrcTable['get']>, seq: number): number | SrtpDropReason {
    const index = estimateIndex(state ? state.window.highest : -1, seq);
    if (index < 0) return 'too-old';
    if (index > MAX_SRTP_INDEX) return 'key-exhausted';
    const verdict = state ? state.window.check(index) : 'ok';
    return verdict === 'ok' ? index : verdict;
  }

  protect(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    const length = packet.length;
    if (length < 12) return 'short';
    if (length + this.tagLength > MAX_PACKET_LENGTH) return 'too-long';
    const headerLength = rtpHeaderLength(packet, length);
    if (headerLength < 0) return 'bad-header';
    if (this.packets >= MAX_SRTP_PACKETS) return 'key-exhausted';
    const ssrc = readUint32(packet, 8);
    const seq = readUint16(packet, 2);
    const state = this.sources.get(ssrc);
    const index = this.admit(state, seq);
    if (typeof index === 'string') return index;

    const total = length + this.tagLength;
    const dst = outputBuffer(out, total);
    const roc = Math.floor(index / 65536);
    for (let i = 0; i < headerLength; i++) dst[i] = packet[i]!;
    this.cipher.xor(packet, headerLength, length, dst, headerLength, ssrc, roc, seq);
    const digest = this.mac.compute(dst, length, roc, true);
    for (let i = 0; i < this.tagLength; i++) dst[length + i] = digest[i]!;

    this.sources.accept(state, ssrc, index);
    this.packets++;
    return dst.length === total ? dst : dst.subarray(0, total);
  }

  unprotect(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    const length = packet.length;
    const end = length - this.tagLength;
    if (end < 12) return 'short';
    if (length > MAX_PACKET_LENGTH) return 'too-long';
    const headerLength = rtpHeaderLength(packet, end);
    if (headerLength < 0) return 'bad-header';
    if (this.packets >= MAX_SRTP_PACKETS) return 'key-exhausted';
    const ssrc = readUint32(packet, 8);
    const seq = readUint16(packet, 2);
    const state = this.sources.get(ssrc);
    const index = this.admit(state, seq);
    if (typeof index === 'string') return index;

    const roc = Math.floor(index / 65536);
    const digest = this.mac.compute(packet, end, roc, true);
    if (!tagsEqual(packet, end, digest, this.tagLength)) return 'auth';

    // Authenticated: only now may the packet change the ROC, s_l and the replay window.
    const dst = outputBuffer(out, end);
    for (let i = 0; i < headerLength; i++) dst[i] = packet[i]!;
    this.cipher.xor(packet, headerLength, end, dst, headerLength, ssrc, roc, seq);
    this.sources.accept(state, ssrc, index);
    this.packets++;
    return dst.length === end ? dst : dst.subarray(0, end);
  }
}
