import { describe, expect, it } from 'vitest';
import { isG711 } from './codecs';
import { parseMediaSdp } from './parse';
import { fixture } from './testing/fixtures';
import type { MediaSdp } from './types';

const parsed = (text: string): MediaSdp => {
  const result = parseMediaSdp(text);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.sdp;
};

const errorOf = (text: string): string => {
  const result = parseMediaSdp(text);
  if (result.ok) throw new Error('expected an error');
  return result.error;
};

const sdp = (...lines: string[]) => [...lines, ''].join('\r\n');
const HEAD = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];
const audio = (...lines: string[]) => sdp(...HEAD, ...lines);

describe('parseMediaSdp on real-world offers', () => {
  it('reads a Teams Direct Routing offer: SRTP keys, rtcp-mux, every codec, telephone-event apart', () => {
    const { audio: a } = parsed(fixture('teams-offer'));
    expect(a).toMatchObject({
      index: 0,
      port: 49152,
      protocol: 'RTP/SAVP',
      address: '203.0.113.40',
      addressFamily: 'IP4',
      rtcpPort: 49153,
      rtcpMux: true,
      ptime: 20,
      maxptime: 200,
      direction: 'sendrecv',
      telephoneEvent: { pt: 101, name: 'telephone-event', rate: 8000, fmtp: '0-16' },
    });
    expect(a.codecs.map((c) => `${c.pt} ${c.name}/${c.rate}`)).toEqual([
      '104 SILK/16000',
      '9 G722/8000',
      '103 SILK/8000',
      '111 SIREN/16000',
      '18 G729/8000',
      '0 PCMU/8000',
      '8 PCMA/8000',
      '97 RED/8000',
      '13 CN/8000',
      '118 CN/16000',
    ]);
    expect(a.codecs[0]?.fmtp).toBe('useinbandfec=1; usedtx=0');
    expect(a.codecs.map(isG711).filter(Boolean)).toEqual(['PCMU', 'PCMA']);
    expect(a.crypto).toEqual([
      {
        tag: 2,
        suite: 'AES_CM_128_HMAC_SHA1_80',
        inlineKey: 'SluYPNkBl5T96SR1Gw+M+iJccsAoTZCzipcQax1D',
        lifetime: '2^31',
      },
      {
        tag: 3,
        suite: 'AES_CM_128_HMAC_SHA1_80',
        inlineKey: 'QcCsNv1OoUbX1EiBwvPkcRdha/ufYcU+cCtr4H2y',
        lifetime: '2^31',
        mki: '1:1',
      },
    ]);
  });

  it('reads an Asterisk offer with video: static payload types, ptime and maxptime', () => {
    const { audio: a, session } = parsed(fixture('asterisk-offer'));
    expect(session.media.map((m) => m.type)).toEqual(['audio', 'video']);
    expect(a.codecs).toEqual([
      { pt: 0, name: 'PCMU', rate: 8000 },
      { pt: 3, name: 'GSM', rate: 8000 },
      { pt: 8, name: 'PCMA', rate: 8000 },
    ]);
    expect(a).toMatchObject({ port: 12958, ptime: 20, maxptime: 150, rtcpMux: false, crypto: [] });
    expect(a.telephoneEvent).toEqual({
      pt: 101,
      name: 'telephone-event',
      rate: 8000,
      fmtp: '0-16',
    });
    expect(a.rtcpPort).toBeUndefined();
  });

  it('reads a FreeSWITCH offer: opus channels and a=rtcp with its address', () => {
    const { audio: a } = parsed(fixture('freeswitch-offer'));
    expect(a.codecs[0]).toMatchObject({ pt: 102, name: 'opus', rate: 48000, channels: 2 });
    expect(a).toMatchObject({ rtcpPort: 16385, rtcpAddress: '192.0.2.20', rtcpMux: false });
    expect(a.codecs.map((c) => c.pt)).toEqual([102, 9, 0, 8, 13]);
  });

  it("reads SIPp's default uac SDP (PCMU only, no telephone-event)", () => {
    const { audio: a } = parsed(fixture('sipp-uac'));
    expect(a).toEqual({
      index: 0,
      port: 6000,
      protocol: 'RTP/AVP',
      address: '127.0.0.1',
      addressFamily: 'IP4',
      rtcpMux: false,
      codecs: [{ pt: 0, name: 'PCMU', rate: 8000 }],
      direction: 'sendrecv',
      crypto: [],
    });
  });

  it('reads a linphone IPv6 offer: static G.729 with fmtp, telephone-event/8000 among three rates', () => {
    const { audio: a } = parsed(fixture('linphone-ipv6'));
    expect(a).toMatchObject({ address: '2001:db8::10', addressFamily: 'IP6', port: 7078 });
    expect(a.codecs.map((c) => c.pt)).toEqual([96, 97, 98, 0, 8, 18]);
    expect(a.codecs[5]).toEqual({ pt: 18, name: 'G729', rate: 8000, fmtp: 'annexb=yes' });
    expect(a.telephoneEvent).toEqual({ pt: 100, name: 'telephone-event', rate: 8000 });
  });

  it('reads a baresip IPv6 SRTP offer on hold (sendonly)', () => {
    const { audio: a } = parsed(fixture('baresip-ipv6'));
    expect(a).toMatchObject({ addressFamily: 'IP6', protocol: 'RTP/SAVP', direction: 'sendonly' });
    expect(a.crypto.map((c) => `${c.tag} ${c.suite}`)).toEqual([
      '1 AES_CM_128_HMAC_SHA1_80',
      '2 AES_CM_128_HMAC_SHA1_32',
    ]);
  });

  it('refuses a T.38 re-offer without audio, and one whose audio is rejected', () => {
    expect(errorOf(fixture('t38-reoffer'))).toBe('no audio m-line');
    expect(errorOf(fixture('t38-audio-rejected'))).toBe('audio stream rejected (port 0)');
  });

  it('reads the audio of an offer with both audio and T.38, from media-level c=', () => {
    const { audio: a, session } = parsed(fixture('t38-with-audio'));
    expect(session.media.map((m) => m.type)).toEqual(['audio', 'image']);
    expect(a.address).toBe('198.51.100.78');
    expect(a.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA', 'G729', 'G723']);
  });

  it('parses LF-only and CR-only line endings like CRLF', () => {
    const crlf = parsed(fixture('teams-offer')).audio;
    expect(parsed(fixture('teams-offer').replace(/\r\n/g, '\n')).audio).toEqual(crlf);
    expect(parsed(fixture('teams-offer').replace(/\r\n/g, '\r')).audio).toEqual(crlf);
  });
});

describe('parseMediaSdp choices', () => {
  it('takes the first active audio m-line when there are several', () => {
    const text = audio(
      'm=audio 0 RTP/AVP 0',
      'm=audio 5000 RTP/AVP 8',
      'a=rtpmap:8 PCMA/8000',
      'm=audio 6000 RTP/AVP 0',
    );
    expect(parsed(text).audio).toMatchObject({ index: 1, port: 5000, codecs: [{ pt: 8 }] });
  });

  it('takes the direction from the m-line, else the session, else sendrecv', () => {
    const session = sdp(...HEAD, 'a=recvonly', 'm=audio 5000 RTP/AVP 0');
    expect(parsed(session).audio.direction).toBe('recvonly');
    const media = sdp(...HEAD, 'a=recvonly', 'm=audio 5000 RTP/AVP 0', 'a=inactive');
    expect(parsed(media).audio.direction).toBe('inactive');
  });

  it('prefers an explicit a=rtpmap over the static meaning of a payload type', () => {
    const text = audio('m=audio 5000 RTP/AVP 0', 'a=rtpmap:0 pcmu/8000/1');
    expect(parsed(text).audio.codecs).toEqual([{ pt: 0, name: 'pcmu', rate: 8000, channels: 1 }]);
  });

  it('skips a=crypto lines it cannot use (another key method) and keeps the others', () => {
    const text = audio(
      'm=audio 5000 RTP/SAVP 0',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 mikey:AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAJAAAQbWFpbHRvOnVzZXJAaG9zdA',
      'a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:SluYPNkBl5T96SR1Gw+M+iJccsAoTZCzipcQax1D',
    );
    expect(parsed(text).audio.crypto.map((c) => c.tag)).toEqual([2]);
  });
});

describe('parseMediaSdp errors', () => {
  const big = 'x'.repeat(1 << 20);
  const cases: [text: string, error: string][] = [
    ['', 'empty SDP'],
    [' \r\n\r\n', 'empty SDP'],
    ['hello world', 'not an SDP (no <type>=<value> lines)'],
    [sdp('o=- 1 1 IN IP4 192.0.2.1', 'v=0'), 'SDP does not start with a v= line'],
    [sdp('v=1', 'o=- 1 1 IN IP4 192.0.2.1'), 'unsupported SDP version 1'],
    [sdp('v=0', 's=-', 'c=IN IP4 192.0.2.1', 'm=audio 5000 RTP/AVP 0'), 'missing o= line'],
    [sdp('v=0', 'o=garbage', 'm=audio 5000 RTP/AVP 0'), 'malformed o= line o=garbage'],
    [sdp(...HEAD), 'no audio m-line'],
    [audio('m=audio 70000 RTP/AVP 0'), 'invalid port 70000 in m=audio'],
    [audio('m=audio 5000/2 RTP/AVP 0'), 'malformed m= line 1: "m=audio 5000/2 RTP/AVP 0"'],
    [audio('m=audio 5000 RTP/AVP'), 'malformed m= line 1: "m=audio 5000 RTP/AVP"'],
    [audio('m=audio 5000 udptl t38'), 'audio transport udptl is not RTP'],
    [audio('m=audio 5000 RTP/AVP 0 200'), 'invalid payload type 200 in m=audio'],
    [audio('m=audio 5000 RTP/AVP 0 8 0'), 'duplicate payload type 0 in m=audio'],
    [
      sdp('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 'm=audio 5000 RTP/AVP 0'),
      'audio m-line has no connection address',
    ],
    [
      audio('m=audio 5000 RTP/AVP 0', 'c=IN IP4 pbx.example.com'),
      'connection address pbx.example.com is not an IP address',
    ],
    [
      audio('m=audio 5000 RTP/AVP 0', 'c=IN IP6 192.0.2.1'),
      'connection address 192.0.2.1 is not IP6',
    ],
    [
      audio('m=audio 5000 RTP/AVP 0', 'c=IN IP4 224.2.1.1/127'),
      'connection address 224.2.1.1/127 is not an IP address',
    ],
    [audio('m=audio 5000 RTP/AVP 0', 'c=IN ATM 12'), 'malformed c= line "c=IN ATM 12"'],
    [
      audio('m=audio 5000 RTP/AVP 0', 'c=IN IP4 192.0.2.1', 'c=IN IP4 192.0.2.2'),
      'several c= lines in the audio m-line',
    ],
    [audio('m=audio 5000 RTP/AVP 0 96'), 'payload type 96 has no a=rtpmap'],
    [
      audio('m=audio 5000 RTP/AVP 0 101', 'a=fmtp:101 0-16'),
      'telephone-event payload type 101 has no a=rtpmap',
    ],
    [audio('m=audio 5000 RTP/AVP 96', 'a=rtpmap:96 opus'), 'a=rtpmap:96 has no valid clock rate'],
    [
      audio('m=audio 5000 RTP/AVP 96', 'a=rtpmap:96 opus/48000/0'),
      'a=rtpmap:96 has an invalid channel count 0',
    ],
    [audio('m=audio 5000 RTP/AVP 0', 'a=rtcp:70000'), 'invalid port 70000 in a=rtcp'],
    [audio('m=audio 5000 RTP/AVP 0', 'a=rtcp:0'), 'invalid port 0 in a=rtcp'],
    [
      audio('m=audio 5000 RTP/AVP 0', 'a=rtcp:5001 IN IP4 nowhere'),
      'invalid address nowhere in a=rtcp',
    ],
    [audio('m=audio 5000 RTP/AVP 0', 'a=ptime:0'), 'invalid a=ptime 0'],
    [audio('m=audio 5000 RTP/AVP 0', 'a=maxptime:abc'), 'invalid a=maxptime ""'],
    [
      audio('m=audio 5000 RTP/SAVP 0', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:not*base64'),
      'invalid a=crypto: inline key is not base64',
    ],
    [big, 'SDP too large (1048576 characters, limit 65536)'],
  ];
  it.each(cases.map(([text, error]) => [error, text]))('says: %s', (error, text) => {
    expect(errorOf(text)).toBe(error);
  });

  it('refuses what is not a string', () => {
    expect(errorOf(undefined as unknown as string)).toBe('SDP is not text');
  });

  it('accepts a large legitimate SDP just under the limits, refuses one line more', () => {
    const filler = Array.from({ length: 994 }, (_, i) => `a=x-filler:${i}`.padEnd(60, '.'));
    const text = audio('m=audio 5000 RTP/AVP 0', ...filler);
    expect(text.length).toBeGreaterThan(60_000);
    expect(parsed(text).audio.port).toBe(5000);
    expect(errorOf(`${text}a=x\r\n`)).toBe('SDP has too many lines (1001, limit 1000)');
  });
});

describe('parseMediaSdp on hostile input', () => {
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };

  const checkOutcome = (text: string) => {
    const result = parseMediaSdp(text);
    if (result.ok) {
      const a = result.sdp.audio;
      expect(Number.isInteger(a.port) && a.port > 0 && a.port <= 65535).toBe(true);
      expect(a.codecs.every((c) => c.pt >= 0 && c.pt <= 127 && c.rate > 0)).toBe(true);
    } else {
      expect(result.error).toMatch(/^[\x20-\x7e]{1,120}$/);
    }
  };

  it('never throws on binary noise', () => {
    for (let n = 0; n < 300; n++) {
      const length = Math.floor(random() * 3000);
      const text = String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 256)));
      checkOutcome(text);
      checkOutcome(`v=0\r\n${text}`);
    }
  });

  it('never throws on a Teams offer cut at every position or with any line removed', () => {
    const offer = fixture('teams-offer');
    for (let end = 0; end <= offer.length; end++) checkOutcome(offer.slice(0, end));
    const lines = offer.split('\r\n');
    for (let i = 0; i < lines.length; i++)
      checkOutcome(lines.filter((_, j) => j !== i).join('\r\n'));
  });

  it('never throws when bytes of real offers are replaced at random', () => {
    for (const name of ['teams-offer', 'linphone-ipv6', 'freeswitch-offer'] as const) {
      const chars = [...fixture(name)];
      for (let n = 0; n < 500; n++) {
        const copy = [...chars];
        for (let k = 0; k < 4; k++) {
          copy[Math.floor(random() * copy.length)] = String.fromCharCode(
            Math.floor(random() * 128),
          );
        }
        checkOutcome(copy.join(''));
      }
    }
  });
});
