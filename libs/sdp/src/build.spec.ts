import { describe, expect, it } from 'vitest';
import { buildSdp } from './build';
import { g711Codec } from './codecs';
import { parseMediaSdp } from './parse';
import { FIXTURES, fixture, type FixtureName } from './testing/fixtures';
import type { AudioMedia, MediaSdp, SdpRewrite } from './types';

const parsed = (text: string): MediaSdp => {
  const result = parseMediaSdp(text);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.sdp;
};

const KEY = 'kp+0FKepx4QfwSw4+wBv+qhqsPKQ/3bRJeeOvspg';
const ORIGIN = {
  username: 'ccx',
  sessionId: '7340561291',
  sessionVersion: 3,
  address: '198.51.100.7',
};

const rewrite = (overrides: Partial<SdpRewrite> = {}): SdpRewrite => ({
  origin: ORIGIN,
  address: '198.51.100.7',
  port: 40000,
  protocol: 'RTP/AVP',
  rtcpMux: false,
  codecs: [g711Codec('PCMA'), g711Codec('PCMU')],
  telephoneEvent: { pt: 101, name: 'telephone-event', rate: 8000, fmtp: '0-16' },
  ...overrides,
});

const linesOf = (text: string) => text.split('\r\n').slice(0, -1);
const audioLines = (text: string) => {
  const lines = linesOf(text);
  const start = lines.findIndex((l) => l.startsWith('m=audio') && !l.startsWith('m=audio 0 '));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('m='));
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('buildSdp', () => {
  it('writes CRLF lines ending with CRLF, our o= and c=, and keeps s=, t= and b=CT', () => {
    const text = buildSdp(parsed(fixture('asterisk-offer')), rewrite());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(linesOf(text).slice(0, 6)).toEqual([
      'v=0',
      'o=ccx 7340561291 3 IN IP4 198.51.100.7',
      's=Asterisk PBX 18.20.0',
      'c=IN IP4 198.51.100.7',
      'b=CT:384',
      't=0 0',
    ]);
  });

  it('rewrites the audio m-line: codecs in order, telephone-event last, a=rtcp on port + 1', () => {
    const text = buildSdp(parsed(fixture('asterisk-offer')), rewrite({ ptime: 20 }));
    expect(audioLines(text)).toEqual([
      'm=audio 40000 RTP/AVP 8 0 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=rtcp:40001',
      'a=ptime:20',
      'a=sendrecv',
    ]);
  });

  it('turns a Teams SRTP offer into plain RTP for the other leg, with nothing of Teams left', () => {
    const text = buildSdp(parsed(fixture('teams-offer')), rewrite({ codecs: [g711Codec('PCMU')] }));
    expect(text).not.toMatch(
      /203\.0\.113\.40|candidate|ice-|crypto|SILK|x-|label|rtcp-mux|maxptime/,
    );
    expect(audioLines(text)[0]).toBe('m=audio 40000 RTP/AVP 0 101');
  });

  it('offers SRTP with exactly one a=crypto line and rtcp-mux without a=rtcp', () => {
    const text = buildSdp(
      parsed(fixture('sipp-uac')),
      rewrite({
        protocol: 'RTP/SAVP',
        rtcpMux: true,
        crypto: { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', inlineKey: KEY },
      }),
    );
    const audio = audioLines(text);
    expect(audio[0]).toBe('m=audio 40000 RTP/SAVP 8 0 101');
    expect(audio.filter((l) => l.startsWith('a=crypto'))).toEqual([
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
    ]);
    expect(audio).toContain('a=rtcp-mux');
    expect(audio.some((l) => l.startsWith('a=rtcp:'))).toBe(false);
    expect(audio.some((l) => l.startsWith('a=ptime'))).toBe(false);
  });

  it('writes a=rtcp beside rtcp-mux when a port is given, and an explicit one without mux', () => {
    const base = parsed(fixture('sipp-uac'));
    expect(audioLines(buildSdp(base, rewrite({ rtcpMux: true, rtcpPort: 40000 })))).toEqual(
      expect.arrayContaining(['a=rtcp:40000', 'a=rtcp-mux']),
    );
    const apart = audioLines(buildSdp(base, rewrite({ rtcpPort: 41000 })));
    expect(apart).toContain('a=rtcp:41000');
    expect(apart).not.toContain('a=rtcp-mux');
  });

  it("keeps the peer's direction unless told otherwise", () => {
    const held = parsed(fixture('baresip-ipv6'));
    expect(audioLines(buildSdp(held, rewrite()))).toContain('a=sendonly');
    const answer = buildSdp(held, rewrite({ direction: 'recvonly' }));
    expect(audioLines(answer)).toContain('a=recvonly');
    expect(answer).not.toContain('a=sendonly');
  });

  it('writes IPv6 addresses as IP6', () => {
    const out = { ...ORIGIN, address: '2001:db8::7' };
    const text = buildSdp(
      parsed(fixture('linphone-ipv6')),
      rewrite({ origin: out, address: '2001:db8::7' }),
    );
    expect(linesOf(text)).toEqual(
      expect.arrayContaining(['o=ccx 7340561291 3 IN IP6 2001:db8::7', 'c=IN IP6 2001:db8::7']),
    );
    expect(text).not.toContain('rtcp-xr');
  });

  it('keeps every other m-line, rejected with port 0 and no attributes', () => {
    const video = buildSdp(parsed(fixture('asterisk-offer')), rewrite());
    const lines = linesOf(video);
    expect(lines.filter((l) => l.startsWith('m='))).toEqual([
      'm=audio 40000 RTP/AVP 8 0 101',
      'm=video 0 RTP/AVP 99 34',
    ]);
    expect(lines[lines.length - 1]).toBe('m=video 0 RTP/AVP 99 34');
    const fax = linesOf(buildSdp(parsed(fixture('t38-with-audio')), rewrite()));
    expect(fax[fax.length - 1]).toBe('m=image 0 udptl t38');
    expect(fax.some((l) => l.startsWith('a=T38'))).toBe(false);
  });

  it('answers the right m-line when the first audio m-line was rejected', () => {
    const base = parsed(
      [
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 0 RTP/AVP 0',
        'm=audio 5000 RTP/AVP 8',
        '',
      ].join('\r\n'),
    );
    const mLines = linesOf(buildSdp(base, rewrite())).filter((l) => l.startsWith('m='));
    expect(mLines).toEqual(['m=audio 0 RTP/AVP 0', 'm=audio 40000 RTP/AVP 8 0 101']);
  });

  it('drops session bandwidths about RTCP and everything session-level but s=, t=, b=', () => {
    const base = parsed(
      [
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=',
        'i=private',
        'u=http://example.com',
        'c=IN IP4 192.0.2.1',
        'b=AS:64',
        'b=RR:0',
        't=3900000000 0',
        'a=ice-lite',
        'a=sendonly',
        'm=audio 5000 RTP/AVP 8',
        '',
      ].join('\r\n'),
    );
    const lines = linesOf(buildSdp(base, rewrite()));
    expect(lines.slice(0, 6)).toEqual([
      'v=0',
      'o=ccx 7340561291 3 IN IP4 198.51.100.7',
      's=-',
      'c=IN IP4 198.51.100.7',
      'b=AS:64',
      't=3900000000 0',
    ]);
    expect(lines[6]).toMatch(/^m=audio/);
    expect(lines).toContain('a=sendonly');
  });

  it('leaves the base SDP untouched, so one offer serves the offer and the answer', () => {
    const base = parsed(fixture('teams-offer'));
    const before = structuredClone(base);
    const first = buildSdp(base, rewrite());
    expect(buildSdp(base, rewrite())).toBe(first);
    expect(base).toEqual(before);
  });

  it.each<[string, Partial<SdpRewrite>]>([
    ['a host name', { address: 'media.example.com' }],
    ['port 70000', { port: 70000 }],
    ['an RTCP port past 65535', { port: 65535 }],
    ['RTP/SAVP without a key', { protocol: 'RTP/SAVP' }],
    ['no codec', { codecs: [] }],
    [
      'a payload type used twice',
      { codecs: [g711Codec('PCMU'), { pt: 101, name: 'X', rate: 8000 }] },
    ],
    [
      'a key that is not base64',
      {
        protocol: 'RTP/SAVP',
        crypto: { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', inlineKey: 'x y' },
      },
    ],
    ['a session id that is not a number', { origin: { ...ORIGIN, sessionId: 'abc' } }],
  ])('throws RangeError on a caller bug: %s', (_, overrides) => {
    expect(() => buildSdp(parsed(fixture('sipp-uac')), rewrite(overrides))).toThrow(RangeError);
  });
});

describe('round trip: parse a real-world SDP, build ours from it, parse that again', () => {
  const mirror = (a: AudioMedia): SdpRewrite => ({
    origin: ORIGIN,
    address: a.address,
    port: a.port,
    protocol: a.protocol === 'RTP/SAVP' ? 'RTP/SAVP' : 'RTP/AVP',
    rtcpMux: a.rtcpMux,
    rtcpPort: a.rtcpPort,
    codecs: a.codecs,
    telephoneEvent: a.telephoneEvent,
    ptime: a.ptime,
    direction: a.direction,
    crypto: a.crypto[0] && {
      tag: a.crypto[0].tag,
      suite: a.crypto[0].suite,
      inlineKey: a.crypto[0].inlineKey,
    },
  });
  const usable = FIXTURES.filter((name) => parseMediaSdp(fixture(name)).ok);

  it('covers the offers that carry audio', () => {
    expect(usable).toEqual([
      'teams-offer',
      'asterisk-offer',
      'freeswitch-offer',
      'sipp-uac',
      'linphone-ipv6',
      'baresip-ipv6',
      't38-with-audio',
    ] satisfies FixtureName[]);
  });

  it.each(usable)('%s keeps its audio stream and its m-lines', (name) => {
    const first = parsed(fixture(name));
    const again = parsed(buildSdp(first, mirror(first.audio)));
    const { maxptime: _max, rtcpAddress: _addr, crypto, ...kept } = first.audio;
    // Without rtcp-mux we always write a=rtcp, so the implicit port + 1 becomes explicit.
    const rtcpPort = kept.rtcpPort ?? (kept.rtcpMux ? undefined : kept.port + 1);
    expect(again.audio).toEqual({
      ...kept,
      ...(rtcpPort !== undefined ? { rtcpPort } : {}),
      crypto: crypto.slice(0, 1).map(({ tag, suite, inlineKey }) => ({ tag, suite, inlineKey })),
    });
    expect(again.session.media.map((m) => m.type)).toEqual(first.session.media.map((m) => m.type));
  });
});
