import { describe, expect, it } from 'vitest';
import { parseMediaSdp, type MediaSdp } from '@ccx/sdp';
import type { PortPair, UdpEndpoint } from './io';
import { Leg } from './leg';
import {
  negotiateAnswer,
  negotiateLocalAnswer,
  negotiateOffer,
  type SrtpFactory,
} from './negotiation';

const noSrtp: SrtpFactory = () => {
  throw new Error('no SRTP in these tests');
};
const endpoint = (port: number): UdpEndpoint => ({
  port,
  listen: () => undefined,
  send: () => undefined,
});
const ports = (rtpPort: number): PortPair => ({
  rtpPort,
  rtp: endpoint(rtpPort),
  rtcp: endpoint(rtpPort + 1),
});

function sdp(port: number, codecs: string, direction = 'sendrecv'): MediaSdp {
  const text = [
    'v=0',
    'o=peer 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${codecs} 101`,
    'a=rtpmap:101 telephone-event/8000',
    `a=${direction}`,
    '',
  ].join('\r\n');
  const parsed = parseMediaSdp(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.sdp;
}

describe('answering leg a before leg b exists', () => {
  it("answers with a's first G.711 codec on our leg-a port, direction mirrored", () => {
    const a = new Leg('a', ports(30000), 0);
    const b = new Leg('b', ports(30002), 0);
    const { negotiation } = negotiateOffer(
      sdp(5000, '8 0', 'sendonly'),
      { transcode: true },
      a,
      b,
      '10.0.0.1',
      noSrtp,
    );
    const answer = parseMediaSdp(negotiateLocalAnswer(negotiation, a, '10.0.0.1'));
    expect(answer.ok && answer.sdp.audio).toMatchObject({
      port: 30000,
      address: '10.0.0.1',
      direction: 'recvonly',
      codecs: [{ pt: 8 }],
    });
    expect(a.media?.law).toBe('alaw');
  });

  it('keeps that codec for leg a when leg b answers the other law later (transcoding)', () => {
    const a = new Leg('a', ports(30000), 0);
    const b = new Leg('b', ports(30002), 0);
    const offer = sdp(5000, '8 0');
    const first = negotiateOffer(offer, { transcode: true }, a, b, '10.0.0.1', noSrtp);
    negotiateLocalAnswer(first.negotiation, a, '10.0.0.1');
    // The connect: a re-offer of the same SDP, then leg b picks µ-law.
    const again = negotiateOffer(
      offer,
      { transcode: true },
      a,
      b,
      '10.0.0.1',
      noSrtp,
      first.negotiation,
    );
    const text = negotiateAnswer(again.negotiation, sdp(6000, '0'), a, b, '10.0.0.1', noSrtp);
    const toA = parseMediaSdp(text);
    expect(toA.ok && toA.sdp.audio.codecs[0]?.pt).toBe(8);
    // Leg a's second SDP from us: version 2.
    expect(text).toMatch(/^o=ccx \d+ 2 /m);
    expect(a.media?.law).toBe('alaw');
    expect(b.media?.law).toBe('ulaw');
  });
});
