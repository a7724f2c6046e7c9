// SDES a=crypto attributes (RFC 4568 §9.1) with the SRTP inline key method (§6.1):
//
//   a=crypto:<tag> <crypto-suite> <key-params> *(<session-param>)
//   key-params = key-param *(";" key-param), key-param = key-method ":" key-info
//   SRTP inline key-info = <base64 key||salt> ["|" lifetime] ["|" MKI ":" length]
//
// Hand-written: sdp-transform only splits the line in four fields (and keeps one session parameter).
import { show } from './lines';
import type { SdpCrypto } from './types';

export type CryptoParseResult =
  | { ok: true; crypto: SdpCrypto }
  | {
      ok: false;
      error: string;
      /** Well-formed but not usable here (another key method, several keys): skip it, don't fail. */
      unsupported: boolean;
    };

/** key||salt length in bytes of the suites we know (RFC 4568, 6188, 7714); others are not checked. */
export const SRTP_KEY_SALT_LENGTHS: Readonly<Record<string, number>> = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  F8_128_HMAC_SHA1_80: 30,
  AES_192_CM_HMAC_SHA1_80: 38,
  AES_192_CM_HMAC_SHA1_32: 38,
  AES_256_CM_HMAC_SHA1_80: 46,
  AES_256_CM_HMAC_SHA1_32: 46,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
};

const MAX_TAG = 999_999_999;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The bytes of a base64 key||salt, or undefined unless it is canonical base64 (padding optional). */
export function decodeInlineKey(key: string): Uint8Array | undefined {
  if (!BASE64.test(key) || key.length % 4 === 1) return undefined;
  if (key.includes('=') && key.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(key, 'base64');
  const unpadded = key.replace(/=+$/, '');
  if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== unpadded)
    return undefined;
  return new Uint8Array(bytes);
}

const bad = (error: string, unsupported = false): CryptoParseResult => ({
  ok: false,
  error,
  unsupported,
});

/** Parses the value of an a=crypto attribute (the text after `a=crypto:`). Never throws. */
export function parseCryptoAttribute(value: string): CryptoParseResult {
  const fields = value.trim().split(/[ \t]+/);
  const [tagText = '', suite = '', keyParams = ''] = fields;
  if (fields.length < 3) return bad('expected "<tag> <suite> inline:<key>"');
  if (!/^\d{1,9}$/.test(tagText)) return bad(`tag ${show(tagText)} is not 0..${MAX_TAG}`);
  if (!/^\w+$/.test(suite)) return bad(`invalid crypto-suite ${show(suite)}`);
  const params = keyParams.split(';');
  for (const param of params) {
    const method = /^(\w+):[\x21-\x3a\x3c-\x7e]+$/.exec(param)?.[1];
    if (method === undefined) return bad(`invalid key-params ${show(keyParams)}`);
    if (method !== 'inline') return bad(`key method ${show(method)} is not supported`, true);
  }
  if (params.length > 1) return bad('several keys in one line are not supported', true);
  const [inlineKey = '', ...options] = keyParams.slice('inline:'.length).split('|');
  const keySalt = decodeInlineKey(inlineKey);
  if (keySalt === undefined) return bad('inline key is not base64');
  const expected = SRTP_KEY_SALT_LENGTHS[suite];
  if (expected !== undefined && keySalt.length !== expected) {
    return bad(`${suite} key||salt is ${keySalt.length} bytes, expected ${expected}`);
  }
  const crypto: SdpCrypto = { tag: Number(tagText), suite, inlineKey };
  if (options.length > 2) return bad('too many "|" fields after the inline key');
  for (const [i, option] of options.entries()) {
    const mki = /^(\d{1,9}):(\d{1,3})$/.exec(option);
    if (mki) {
      const length = Number(mki[2]);
      if (i !== options.length - 1 || length < 1 || length > 128) {
        return bad(`invalid MKI ${show(option)}`);
      }
      crypto.mki = option;
    } else if (i === 0 && /^(2\^)?\d{1,20}$/.test(option)) {
      crypto.lifetime = option;
    } else {
      return bad(`invalid lifetime or MKI ${show(option)}`);
    }
  }
  const session = fields.slice(3);
  if (session.some((p) => !/^[\x21-\x7e]+$/.test(p))) return bad('invalid session parameter');
  if (session.length > 0) crypto.sessionParams = session.join(' ');
  return { ok: true, crypto };
}

/** The value of an a=crypto attribute (without `a=crypto:`). */
export function formatCryptoAttribute(crypto: SdpCrypto): string {
  let keyInfo = `inline:${crypto.inlineKey}`;
  if (crypto.lifetime !== undefined) keyInfo += `|${crypto.lifetime}`;
  if (crypto.mki !== undefined) keyInfo += `|${crypto.mki}`;
  const session = crypto.sessionParams ? ` ${crypto.sessionParams}` : '';
  return `${crypto.tag} ${crypto.suite} ${keyInfo}${session}`;
}
