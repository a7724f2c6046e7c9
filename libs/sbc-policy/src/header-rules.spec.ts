import { getHeaders, headerValue, parseSipMessage, type SipMessage } from '@ccx/sip';
import { describe, expect, it } from 'vitest';
import type { HeaderRule } from './config';
import { applyHeaderRules } from './header-rules';

const invite = (): SipMessage => {
  const text = [
    'INVITE sip:+4969000000@carrier.example SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
    'From: <sip:+4930123401@sbc.example>;tag=1',
    'To: <sip:+4969000000@carrier.example>',
    'Call-ID: abc',
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    'History-Info: <sip:a@b>;index=1',
    'History-Info: <sip:c@d>;index=1.1',
    'Diversion: <sip:+4930123499@sbc.example>;reason=unconditional',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseSipMessage(new TextEncoder().encode(text));
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};

const vars = { 'from.user': '+4930123401', 'to.user': '+4969000000', tenant: 'contoso' };

describe('applyHeaderRules', () => {
  it('adds with placeholders, removes every entry, in the given direction only', () => {
    const m = invite();
    const rules: HeaderRule[] = [
      {
        direction: 'out',
        action: 'add',
        header: 'P-Charge-Info',
        value: '<sip:${from.user}@x>;t=${tenant}',
      },
      { direction: 'out', action: 'remove', header: 'History-Info' },
      { direction: 'in', action: 'remove', header: 'Diversion' },
    ];
    expect(applyHeaderRules(m, rules, 'out', vars)).toBe(2);
    expect(headerValue(m, 'P-Charge-Info')).toBe('<sip:+4930123401@x>;t=contoso');
    expect(getHeaders(m, 'History-Info')).toHaveLength(0);
    expect(getHeaders(m, 'Diversion')).toHaveLength(1);
  });

  it('rewrites each value with a regex', () => {
    const m = invite();
    const rules: HeaderRule[] = [
      {
        direction: 'in',
        action: 'rewrite',
        header: 'History-Info',
        match: 'index=1',
        value: 'index=9',
      },
      { direction: 'in', action: 'rewrite', header: 'Diversion', match: '\\+49', value: '0049' },
    ];
    applyHeaderRules(m, rules, 'in', vars);
    expect(getHeaders(m, 'History-Info').map((h) => h.value)).toEqual([
      '<sip:a@b>;index=9',
      '<sip:c@d>;index=9.1',
    ]);
    expect(headerValue(m, 'Diversion')).toBe('<sip:004930123499@sbc.example>;reason=unconditional');
  });

  it('honours methods, with `responses` for responses', () => {
    const m = invite();
    const rules: HeaderRule[] = [
      { direction: 'out', action: 'add', header: 'X-Bye', value: '1', methods: ['BYE'] },
      { direction: 'out', action: 'add', header: 'X-Invite', value: '1', methods: ['invite'] },
      { direction: 'out', action: 'add', header: 'X-Resp', value: '1', methods: ['responses'] },
    ];
    applyHeaderRules(m, rules, 'out', vars);
    expect(headerValue(m, 'X-Bye')).toBeUndefined();
    expect(headerValue(m, 'X-Invite')).toBe('1');
    expect(headerValue(m, 'X-Resp')).toBeUndefined();
  });

  it('never touches the headers the dialog depends on, even if a rule slipped through', () => {
    const m = invite();
    const rules: HeaderRule[] = [
      { direction: 'out', action: 'remove', header: 'Call-ID' },
      { direction: 'out', action: 'remove', header: 'via' },
      { direction: 'out', action: 'rewrite', header: 'From', value: 'x' },
    ];
    expect(applyHeaderRules(m, rules, 'out', vars)).toBe(0);
    expect(headerValue(m, 'Call-ID')).toBe('abc');
    expect(getHeaders(m, 'Via')).toHaveLength(1);
    expect(headerValue(m, 'From')).toBe('<sip:+4930123401@sbc.example>;tag=1');
  });
});
