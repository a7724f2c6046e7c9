// Plain RTP and RTCP packets for the specs, built by hand so the tests do not depend on the
// code under test (nor on @ccx/rtp, a domain library this util library may not import).

export interface RtpFixture {
  seq: number;
  ssrc: number;
  timestamp?: number;
  payloadType?: number;
  marker?: boolean;
  csrcs?: number[];
  /** One-byte header extension elements (RFC 8285): [id, data bytes]. */
  extension?: [number, number[]][];
  payload: Uint8Array;
}

export function buildRtp(p: RtpFixture): Uint8Array {
  const csrcs = p.csrcs ?? [];
  let ext: number[] = [];
  if (p.extension) {
    for (const [id, data] of p.extension) ext.push((id << 4) | (data.length - 1), ...data);
    while (ext.length % 4 !== 0) ext.push(0);
    ext = [0xbe, 0xde, (ext.length / 4) >> 8, (ext.length / 4) & 0xff, ...ext];
  }
  const header = 12 + 4 * csrcs.length + ext.length;
  const out = new Uint8Array(header + p.payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (p.extension ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType ?? 0);
  view.setUint16(2, p.seq & 0xffff);
  view.setUint32(4, (p.timestamp ?? p.seq * 160) >>> 0);
  view.setUint32(8, p.ssrc >>> 0);
  csrcs.forEach((c, i) => view.setUint32(12 + 4 * i, c >>> 0));
  out.set(ext, 12 + 4 * csrcs.length);
  out.set(p.payload, header);
  return out;
}

/** A G.711-sized payload whose bytes depend on the sequence number. */
export const payloadFor = (seq: number, length = 160): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (seq * 7 + i * 13) & 0xff);

/** RTCP compound: a sender report without blocks, then an SDES with one CNAME. */
export function buildRtcpSrSdes(ssrc: number, packetCount: number): Uint8Array {
  const cname = Buffer.from('leg@ccx');
  const sdesItems = 4 + 2 + cname.length + 1; // SSRC, type+len, text, end
  const sdesLength = 4 + Math.ceil(sdesItems / 4) * 4;
  const out = new Uint8Array(28 + sdesLength);
  const view = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = 200;
  view.setUint16(2, 6);
  view.setUint32(4, ssrc >>> 0);
  view.setUint32(8, 0xe8a1b2c3);
  view.setUint32(12, 0x12345678);
  view.setUint32(16, packetCount * 160);
  view.setUint32(20, packetCount);
  view.setUint32(24, packetCount * 160);
  out[28] = 0x81;
  out[29] = 202;
  view.setUint16(30, sdesLength / 4 - 1);
  view.setUint32(32, ssrc >>> 0);
  out[36] = 1;
  out[37] = cname.length;
  out.set(cname, 38);
  return out;
}

/** XORs `mask` into bytes[index] (a tampering helper; the array is changed in place). */
export function flip(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  bytes[index] = (bytes[index] ?? 0) ^ mask;
  return bytes;
}
