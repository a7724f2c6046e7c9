import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import {
  decodeSecretSet,
  deliveryIdFor,
  encodeSecretSet,
  generateWebhookSecret,
  Signer,
  webhookIdOf,
} from './signing';

const body = JSON.stringify({ type: 'call.answered', data: { x: 1 } });

describe('webhook signing', () => {
  it('produces headers the standardwebhooks verifier accepts, and only with the right secret', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = new Signer({ current: secret }).sign('msg_1', new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body + ' ', { ...headers })).toThrow();
  });

  it('signs with both secrets during a rotation grace period, then only the new one', () => {
    const [oldS, newS] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = Date.now();
    const signer = new Signer({ current: newS, previous: oldS, previousUntil: now + 60_000 });
    const during = signer.sign('msg_2', new Date(now), body);
    expect(during['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldS).verify(body, { ...during })).not.toThrow();
    expect(() => new Webhook(newS).verify(body, { ...during })).not.toThrow();
    const after = signer.sign('msg_2', new Date(now + 61_000), body);
    expect(after['webhook-signature'].split(' ')).toHaveLength(1);
  });

  it('gives a delivery the same id for the same subscription and event, and a new one otherwise', () => {
    const sub = '6a1d7c8e-0000-4000-8000-000000000001';
    const ev = '6a1d7c8e-0000-4000-8000-0000000000aa';
    expect(deliveryIdFor(sub, ev)).toBe(deliveryIdFor(sub, ev));
    expect(deliveryIdFor(sub, ev)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(deliveryIdFor(sub, ev.replace('aa', 'ab'))).not.toBe(deliveryIdFor(sub, ev));
    expect(webhookIdOf(deliveryIdFor(sub, ev))).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('reads both the plain and the rotation form of a sealed secret', () => {
    const s = generateWebhookSecret();
    expect(decodeSecretSet(s)).toEqual({ current: s });
    const set = { current: s, previous: generateWebhookSecret(), previousUntil: 5 };
    expect(decodeSecretSet(encodeSecretSet(set))).toEqual(set);
  });
});
