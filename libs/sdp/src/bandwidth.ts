// Per-call bandwidth of a G.711 stream at the IP level, one direction (docs/sdp.md, "Bandwidth").
// The admission control of trunks and tenants and the API's calculator both use this.

export interface BandwidthInput {
  codec: 'PCMA' | 'PCMU';
  /** Packetisation time in ms (a=ptime), 10–60; 20 when the SDP says nothing. */
  ptimeMs: number;
  ipVersion: 4 | 6;
  /** SRTP authentication tag length in bytes: 10 for *_HMAC_SHA1_80, 4 for *_32, 0 for RTP. */
  srtpTagBytes: 0 | 4 | 10;
  /** Link-layer bytes per packet to include (Ethernet II with FCS and preamble: 38), default 0. */
  linkBytes?: number;
}

export interface Bandwidth {
  payloadBytes: number;
  headerBytes: number;
  packetsPerSecond: number;
  /** Payload bit rate (64 for G.711). */
  codecKbps: number;
  /** Bit rate on the wire, payload plus headers, one direction. */
  kbps: number;
}

const RTP_HEADER = 12;
const UDP_HEADER = 8;

export function callBandwidth(input: BandwidthInput): Bandwidth {
  const { ptimeMs } = input;
  if (!Number.isFinite(ptimeMs) || ptimeMs < 10 || ptimeMs > 60) {
    throw new RangeError(`ptime ${ptimeMs} ms is outside 10..60`);
  }
  const payloadBytes = 8 * ptimeMs; // G.711: 8000 samples/s, one byte each
  const headerBytes =
    RTP_HEADER +
    UDP_HEADER +
    (input.ipVersion === 6 ? 40 : 20) +
    input.srtpTagBytes +
    (input.linkBytes ?? 0);
  const packetsPerSecond = 1000 / ptimeMs;
  const kbps = ((payloadBytes + headerBytes) * 8 * packetsPerSecond) / 1000;
  return {
    payloadBytes,
    headerBytes,
    packetsPerSecond,
    codecKbps: 64,
    kbps: Math.round(kbps * 100) / 100,
  };
}
