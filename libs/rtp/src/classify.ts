// Demultiplexing one UDP port: STUN, ZRTP, DTLS, TURN channels, RTP and RTCP (RFC 7983 §7 first-byte
// ranges; RFC 5761 §4: with rtcp-mux, RTCP packet types 192–223 appear where the RTP marker bit and
// payload type are, i.e. as RTP payload types 64–95 once the marker bit is masked).

export type MuxedPacketKind =
  'stun' | 'zrtp' | 'dtls' | 'turn-channel' | 'rtp' | 'rtcp' | 'unknown';

/** Classifies a datagram by its first two bytes; never throws, 'unknown' for anything else. */
export function classifyPacket(bytes: Uint8Array): MuxedPacketKind {
  if (bytes.length === 0) return 'unknown';
  const b0 = bytes[0]!;
  if (b0 <= 3) return 'stun';
  if (b0 >= 16 && b0 <= 19) return 'zrtp';
  if (b0 >= 20 && b0 <= 63) return 'dtls';
  if (b0 >= 64 && b0 <= 79) return 'turn-channel';
  if (b0 >= 128 && b0 <= 191) {
    if (bytes.length < 2) return 'unknown';
    const pt = bytes[1]! & 0x7f;
    return pt >= 64 && pt <= 95 ? 'rtcp' : 'rtp';
  }
  return 'unknown';
}
