// Test helper: the SDP fixtures in src/fixtures (stored with LF, returned with CRLF as sent on the wire).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = [
  'teams-offer',
  'asterisk-offer',
  'freeswitch-offer',
  'sipp-uac',
  'linphone-ipv6',
  'baresip-ipv6',
  't38-reoffer',
  't38-audio-rejected',
  't38-with-audio',
] as const;

export type FixtureName = (typeof FIXTURES)[number];

export const fixture = (name: FixtureName): string =>
  readFileSync(join(__dirname, '..', 'fixtures', `${name}.sdp`), 'utf8').replace(/\r?\n/g, '\r\n');
