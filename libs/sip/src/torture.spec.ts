import { describe, expect, it } from 'vitest';
import { parseSipMessage } from './parse';
import { torture, tortureNames } from './testing/fixtures';
import type { NameAddr, SipMessage, SipUri, Via } from './types';

function parse(name: string): SipMessage {
  const r = parseSipMessage(torture('valid', name));
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  return r.message;
}
const values = (m: SipMessage, name: string): string[] =>
  m.headers.filter((h) => h.name === name).map((h) => h.value);
const addr = (m: SipMessage, name: string, i = 0): NameAddr => {
  const p = m.headers.filter((h) => h.name === name)[i]?.parsed;
  if (p?.kind !== 'name-addr') throw new Error(`${name} not parsed`);
  return p.addr;
};
const vias = (m: SipMessage): Via[] =>
  m.headers.flatMap((h) => (h.parsed?.kind === 'via' ? [h.parsed.via] : []));
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('RFC 4475 3.1.1 valid messages', () => {
  it.each(tortureNames('valid'))('%s parses', (name) => {
    expect(parseSipMessage(torture('valid', name))).toMatchObject({ ok: true });
  });

  it('wsinv: folding, compact forms, LWS everywhere, escapes in quoted strings', () => {
    const m = parse('wsinv');
    expect(m.startLine).toMatchObject({ type: 'request', method: 'INVITE', version: 'SIP/2.0' });
    expect(addr(m, 'To')).toEqual({
      uri: {
        scheme: 'sip',
        user: 'vivekg',
        host: 'chair-dnrc.example.com',
        params: {},
        headers: {},
      },
      params: { tag: '1918181833n' },
    });
    expect(addr(m, 'From').displayName).toBe('J Rosenberg \\"');
    expect(addr(m, 'From').params).toEqual({ tag: '98asjd8' });
    expect(m.headers.find((h) => h.name === 'Max-Forwards')?.parsed).toEqual({
      kind: 'number',
      value: 68,
    });
    expect(m.headers.find((h) => h.name === 'CSeq')?.parsed).toEqual({
      kind: 'cseq',
      cseq: { seq: 9, method: 'INVITE' },
    });
    expect(values(m, 'Subject')).toEqual(['']);
    expect(values(m, 'NewFangledHeader')).toEqual(['newfangled value continued newfangled value']);
    expect(values(m, 'UnknownHeaderWithUnusualValue')).toEqual([';;,,;;,;']);
    expect(vias(m).map((v) => [v.transport, v.host, v.params['branch']])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(addr(m, 'Contact')).toMatchObject({
      displayName: 'Quoted string ""',
      params: { newparam: 'newvalue', secondparam: null, q: '0.33' },
    });
    expect((addr(m, 'Route').uri as SipUri).params).toEqual({
      lr: null,
      unknownwith: 'value',
      'unknown-no-value': null,
    });
    expect(m.body.length).toBe(150);
    expect(text(m.body).startsWith('v=0\r\n')).toBe(true);
  });

  it('intmeth: the widest token and URI character sets, control bytes in a quoted string', () => {
    const m = parse('intmeth');
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    expect(m.startLine).toMatchObject({ method });
    const ruri = m.startLine.type === 'request' ? (m.startLine.uri as SipUri) : undefined;
    expect(ruri?.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(ruri?.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(addr(m, 'To').displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(addr(m, 'From').displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(addr(m, 'From').params["fromparam''~+*_!.-%"]).toBe('работающий');
    expect(values(m, 'Call-ID')).toEqual(['intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{']);
    expect(values(m, "extensionHeader-!.%*+_`'~")).toEqual(['\ufeff大停電']);
  });

  it('esc01 and escnull: %-escapes are decoded in URIs, %00 included', () => {
    const m = parse('esc01');
    expect(m.startLine.type === 'request' && m.startLine.uri).toMatchObject({
      user: 'sips:user@example.com',
      host: 'example.net',
    });
    expect((addr(m, 'To').uri as SipUri).user).toBe('user');
    expect((addr(m, 'From').uri as SipUri).user).toBe('I have spaces');
    expect((addr(m, 'Contact').uri as SipUri).params).toEqual({ lr: null, name: 'value%41' });
    expect(values(m, 'Content-Type')).toEqual(['application/sdp']);
    const n = parse('escnull');
    expect([0, 1].map((i) => (addr(n, 'Contact', i).uri as SipUri).user)).toEqual(['\0', '\0\0']);
  });

  it('esc02: % that is no escape stays literal; an unknown header name is kept as written', () => {
    const m = parse('esc02');
    expect(m.startLine).toMatchObject({ method: 'RE%47IST%45R' });
    expect(addr(m, 'From').displayName).toBe('%Z%45');
    expect(values(m, 'Contact')).toHaveLength(2);
    expect(values(m, 'C%6Fntact')).toEqual(['<sip:alias2@host2.example.com>']);
  });

  it('lwsdisp, semiuri, transports, longreq', () => {
    expect(addr(parse('lwsdisp'), 'From').displayName).toBe('caller');
    const semi = parse('semiuri');
    expect(semi.startLine.type === 'request' && semi.startLine.uri).toMatchObject({
      user: 'user;par=u@example.net',
      host: 'example.com',
      params: {},
    });
    expect(values(semi, 'Accept')).toHaveLength(6);
    expect(vias(parse('transports')).map((v) => v.transport)).toEqual([
      'UDP',
      'SCTP',
      'TLS',
      'UNKNOWN',
      'TCP',
    ]);
    const long = parse('longreq');
    expect(vias(long)).toHaveLength(34);
    expect(vias(long)[33]?.params['received']).toBe('192.0.2.5');
    expect((addr(long, 'To').uri as SipUri).port).toBe(6000);
  });

  it('dblreq: bytes after Content-Length in a datagram are ignored (RFC 3261 18.3)', () => {
    const m = parse('dblreq');
    expect(m.startLine).toMatchObject({ method: 'REGISTER' });
    expect(m.body.length).toBe(0);
  });

  it('unreason and noreason: UTF-8 and empty reason phrases', () => {
    expect(parse('unreason').startLine).toMatchObject({
      status: 200,
      reason: '= 2**3 * 5**2 но сто девяносто девять - простое',
    });
    expect(parse('noreason').startLine).toMatchObject({ status: 100, reason: '' });
  });

  it('unkscm and zeromf: an unknown Request-URI scheme and Max-Forwards 0 are syntactically valid', () => {
    expect(parse('unkscm').startLine).toMatchObject({
      uri: { scheme: 'nobodyknowsthisscheme', raw: 'nobodyknowsthisscheme:totallyopaquecontent' },
    });
    expect(values(parse('zeromf'), 'Max-Forwards')).toEqual(['0']);
  });
});

describe('RFC 4475 invalid messages are refused with a reason', () => {
  const expected: Record<string, RegExp> = {
    badinv01: /From: bad parameters/,
    clerr: /body shorter than Content-Length 9999/,
    ncl: /Content-Length: bad Content-Length: -999/,
    scalar02: /CSeq: bad CSeq/,
    quotbal: /To: unterminated quoted display name/,
    ltgtruri: /Request-URI must not be enclosed in <>/,
    lwsruri: /request line must be/,
    lwsstart: /request line must be/,
    trws: /request line must be/,
    escruri: /Request-URI must not contain headers/,
    regbadct: /Contact: URI with spaces, commas or \? must be in <>/,
    badaspec: /To: .*scheme/,
    baddn: /From: bad display name: Bell, Alexander/,
    badvers: /unsupported SIP version: SIP\/7.0/,
    mismatch01: /CSeq method INVITE does not match OPTIONS/,
    mismatch02: /CSeq method INVITE does not match NEWMETHOD/,
    bigcode: /bad status line/,
    insuf: /missing From/,
    multi01: /appears more than once with different values/,
  };

  it('covers every invalid fixture', () => {
    expect(tortureNames('invalid')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, reason) => {
    const r = parseSipMessage(torture('invalid', name));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(reason);
    expect(r.status).toBe(name === 'bigcode' ? undefined : 400);
  });
});
