import { constants, createDecipheriv, createHmac, privateDecrypt } from 'node:crypto';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_TRACKING_APP_ID } from '../../graph-emulator/graph';
import { DEFAULT_DELIVERY } from '../../graph-emulator/graph/delivery';
import {
  makeEncryptionKeys,
  startGraphHarness,
  startReceiver,
  type EncryptionKeys,
  type GraphHarness,
  type Receiver,
} from './graph-harness';

// Presence subscriptions through the real Graph client: the validation handshake, the rules of
// POST /subscriptions, rich notifications that decrypt and verify, renewal and expiry on the
// emulator clock, lifecycle notifications, and delivery retries.
let h: GraphHarness;
let receiver: Receiver;
let keys: EncryptionKeys;
let client: Client;
const MIN = 60_000;

beforeAll(async () => {
  h = await startGraphHarness();
  receiver = await startReceiver(h.graph);
  keys = makeEncryptionKeys();
  // A fresh delegated token per request (tests let time pass).
  client = h.client(() => h.userToken(h.alice, ['Presence.Read.All']));
});
afterEach(async () => {
  for (const sub of h.graph.listSubscriptions())
    await client.api(`/subscriptions/${sub.id}`).delete();
  receiver.handshake = 'echo';
  receiver.notificationStatus = 202;
  receiver.notificationDelayMs = 0;
  h.graph.configureDelivery(DEFAULT_DELIVERY);
  await h.graph.flush(); // what a test queued last arrives now, not in the next test
  receiver.received.length = 0;
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const inMinutes = (n: number) => new Date(h.m365.clock.now() + n * MIN).toISOString();

const subscription = (overrides: Record<string, unknown> = {}) => ({
  changeType: 'updated',
  notificationUrl: `${receiver.url}/notify?source=graph`,
  lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
  resource: `/communications/presences?$filter=id in ('${h.alice.id}','${h.bob.id}')`,
  expirationDateTime: inMinutes(60),
  clientState: 'ccx-secret-state',
  includeResourceData: true,
  encryptionCertificate: keys.certificate,
  encryptionCertificateId: 'ccx-2026',
  ...overrides,
});

const create = async (body: Record<string, unknown>) =>
  (await client.api('/subscriptions').post(body)) as { id: string; expirationDateTime: string };

const refusal = async (p: Promise<unknown>): Promise<GraphError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
};

/** Decrypts encryptedContent the way the Graph docs describe, checking the HMAC first. */
function decrypt(content: Record<string, string>): Record<string, unknown> {
  const key = privateDecrypt(
    { key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(content['dataKey'] ?? '', 'base64'),
  );
  const data = Buffer.from(content['data'] ?? '', 'base64');
  const signature = createHmac('sha256', key).update(data).digest('base64');
  expect(signature).toBe(content['dataSignature']);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  return JSON.parse(plain) as Record<string, unknown>;
}

describe('creating a subscription', () => {
  it('validates both endpoints with the handshake before answering 201', async () => {
    const sub = await create(subscription());
    const validations = receiver.received.filter((r) => r.query.has('validationToken'));
    expect(validations.map((v) => v.path).sort()).toEqual(['/lifecycle', '/notify']);
    expect(validations.every((v) => v.contentType.startsWith('text/plain'))).toBe(true);
    // The query string of notificationUrl is kept.
    expect(validations.find((v) => v.path === '/notify')?.query.get('source')).toBe('graph');
    const read = (await client.api(`/subscriptions/${sub.id}`).get()) as Record<string, unknown>;
    expect(read).toMatchObject({
      id: sub.id,
      resource: subscription().resource,
      applicationId: h.app.clientId,
      creatorId: h.alice.id,
      includeResourceData: true,
      encryptionCertificateId: 'ccx-2026',
    });
  });

  it('fails with 400 ValidationError when the endpoint does not answer the handshake', async () => {
    receiver.handshake = 'fail';
    const failed = await refusal(create(subscription()));
    expect(failed.statusCode).toBe(400);
    expect(failed.code).toBe('ValidationError');
    expect(failed.message).toMatch(/^Subscription validation request failed\./);

    receiver.handshake = 'wrong-token';
    const mismatch = await refusal(create(subscription()));
    expect(mismatch.code).toBe('ValidationError');
    expect(mismatch.message).toMatch(/must exactly match validationToken/);
    expect(h.graph.listSubscriptions()).toEqual([]);
  });

  it('fails with "timed out" when the endpoint does not answer the handshake in time', async () => {
    h.graph.configureDelivery({ handshakeTimeoutMs: 300 }); // 10 s in the service
    receiver.handshake = 'hang';
    const failed = await refusal(create(subscription()));
    expect(failed.statusCode).toBe(400);
    expect(failed.code).toBe('ValidationError');
    expect(failed.message).toBe('Subscription validation request timed out.');
  });

  it('refuses what the documentation rules out', async () => {
    const tooMany = Array.from({ length: 651 }, (_, i) => `'u${i}'`).join(',');
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ expirationDateTime: inMinutes(61) }, 400],
      [{ expirationDateTime: inMinutes(-1) }, 400],
      [{ clientState: 'x'.repeat(129) }, 400],
      [{ encryptionCertificate: undefined }, 400],
      [{ encryptionCertificate: Buffer.from('not a certificate').toString('base64') }, 400],
      [{ notificationUrl: `http://127.0.0.1:1/notify` }, 400],
      [{ changeType: 'created' }, 400],
      [{ resource: `/communications/presences?$filter=id in (${tooMany})` }, 400],
      [{ resource: '/users/someone/messages' }, 400],
      [{ resource: `/communications/presences/${h.mallory.id}` }, 403],
    ];
    for (const [overrides, status] of cases) {
      const refused = await refusal(create(subscription(overrides)));
      expect({ overrides, status: refused.statusCode }).toEqual({ overrides, status });
    }
    // 129 characters refused, 128 accepted.
    await expect(create(subscription({ clientState: 'x'.repeat(128) }))).resolves.toHaveProperty(
      'id',
    );
  });

  it('accepts delegated tokens with Presence.Read.All only (no application permissions)', async () => {
    const appOnly = h.client(await h.appToken(['Presence.Read.All', 'Presence.ReadWrite.All']));
    expect((await refusal(appOnly.api('/subscriptions').post(subscription()))).statusCode).toBe(
      403,
    );
    const noScope = h.client(await h.userToken(h.alice, ['Presence.Read']));
    expect((await refusal(noScope.api('/subscriptions').post(subscription()))).statusCode).toBe(
      403,
    );
  });
});

describe('change notifications', () => {
  it('posts encrypted presence whose HMAC, validation token and clientState verify', async () => {
    const sub = await create(subscription());
    h.graph.setClientSession(h.bob.id, 'Busy', 'InACall');
    await h.graph.flush();
    const [post] = receiver.posts('/notify');
    expect(post?.value).toHaveLength(1);
    const n = post?.value[0] ?? {};
    expect(n).toMatchObject({
      subscriptionId: sub.id,
      clientState: 'ccx-secret-state',
      changeType: 'updated',
      resource: `communications/presences/${h.bob.id}`,
      tenantId: h.tenant.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.presence',
        '@odata.id': `users/${h.bob.id}/presence`,
        id: h.bob.id,
      },
    });
    const content = n['encryptedContent'] as Record<string, string>;
    expect(content['encryptionCertificateId']).toBe('ccx-2026');
    expect(content['encryptionCertificateThumbprint']).toBe(keys.thumbprint);
    expect(decrypt(content)).toMatchObject({
      id: h.bob.id,
      availability: 'Busy',
      activity: 'InACall',
    });

    expect(post?.validationTokens).toHaveLength(1);
    const { payload } = await jwtVerify(
      post?.validationTokens?.[0] ?? '',
      createLocalJWKSet(h.m365.signer.jwks()),
      {
        audience: h.app.clientId,
        issuer: `${h.m365.url}/${h.tenant.id}/v2.0`,
        currentDate: new Date(h.m365.clock.now()),
      },
    );
    expect(payload['azp']).toBe(CHANGE_TRACKING_APP_ID);

    // A tampered payload no longer matches its signature.
    const data = Buffer.from(content['data'] ?? '', 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    expect(() => decrypt({ ...content, data: data.toString('base64') })).toThrow();
    h.graph.endClientSession(h.bob.id);
  });

  it('sends basic notifications without content or tokens when resource data is not asked for', async () => {
    await create(
      subscription({
        includeResourceData: false,
        encryptionCertificate: undefined,
        encryptionCertificateId: undefined,
        resource: `/communications/presences/${h.alice.id}`,
      }),
    );
    h.graph.setClientSession(h.alice.id, 'Away', 'Away');
    h.graph.setClientSession(h.bob.id, 'Away', 'Away'); // not subscribed
    await h.graph.flush();
    const posts = receiver.posts('/notify');
    expect(
      posts.flatMap((p) => p.value.map((v) => (v['resourceData'] as { id: string }).id)),
    ).toEqual([h.alice.id]);
    expect(posts[0]?.validationTokens).toBeUndefined();
    expect(posts[0]?.value[0]?.['encryptedContent']).toBeUndefined();
    h.graph.endClientSession(h.alice.id);
    h.graph.endClientSession(h.bob.id);
  });

  it('batches changes that pile up into one POST', async () => {
    await create(subscription());
    h.graph.pauseDelivery();
    h.graph.setClientSession(h.alice.id, 'Busy', 'InACall');
    h.graph.setClientSession(h.bob.id, 'Busy', 'InACall');
    h.graph.setClientSession(h.alice.id, 'Available', 'Available');
    h.graph.resumeDelivery();
    await h.graph.flush();
    const posts = receiver.posts('/notify');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.value).toHaveLength(3);
    const sequences = posts[0]?.value.map(
      (v) => decrypt(v['encryptedContent'] as Record<string, string>)['sequenceNumber'] as string,
    );
    expect([...(sequences ?? [])].sort()).toEqual(sequences);
    h.graph.endClientSession(h.alice.id);
    h.graph.endClientSession(h.bob.id);
  });

  it('counts an answer later than the delivery timeout as a failure and delivers again later', async () => {
    await create(subscription());
    h.graph.configureDelivery({ deliveryTimeoutMs: 300 }); // 3 s in the service
    receiver.notificationDelayMs = 1_000;
    h.graph.setClientSession(h.bob.id, 'Busy', 'InACall');
    await h.graph.flush();
    const first = h.graph.deliveryLog().filter((e) => e.kind === 'notification');
    expect(first.at(-1)).toMatchObject({
      attempt: 1,
      error: expect.stringMatching(/Timeout|Abort/),
    });

    receiver.notificationDelayMs = 0;
    h.m365.clock.advance(10_000);
    await h.graph.flush();
    expect(
      h.graph
        .deliveryLog()
        .filter((e) => e.kind === 'notification')
        .at(-1),
    ).toMatchObject({
      attempt: 2,
      status: 202,
    });
    h.graph.endClientSession(h.bob.id);
  });

  it('retries a failed delivery with back-off, then drops it and reports it missed after 4 hours', async () => {
    await create(subscription());
    h.graph.failNextDeliveries(1);
    h.graph.setClientSession(h.alice.id, 'Busy', 'InACall');
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(0);
    expect(h.graph.deliveryLog().at(-1)).toMatchObject({
      kind: 'notification',
      url: 'https://127.0.0.1:1/dead',
    });
    h.m365.clock.advance(10_000);
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(1);

    receiver.notificationStatus = 500;
    h.graph.setClientSession(h.alice.id, 'Away', 'Away');
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(2); // answered 500: not delivered
    for (let i = 0; i < 5; i++) {
      h.m365.clock.advance(60 * MIN);
      await h.graph.flush();
    }
    const missed = receiver.posts('/lifecycle').flatMap((p) => p.value);
    expect(missed.map((m) => m['lifecycleEvent'])).toEqual(['missed']);
    h.graph.endClientSession(h.alice.id);
  });
});

describe('lifetime', () => {
  it('renews with PATCH within 60 minutes and forgets an expired subscription', async () => {
    const sub = await create(subscription({ expirationDateTime: inMinutes(30) }));
    const tooFar = await refusal(
      client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: inMinutes(61) }),
    );
    expect(tooFar.statusCode).toBe(400);
    h.m365.clock.advance(20 * MIN);
    const wanted = inMinutes(60);
    const renewed = (await client
      .api(`/subscriptions/${sub.id}`)
      .patch({ expirationDateTime: wanted })) as { expirationDateTime: string };
    expect(Date.parse(renewed.expirationDateTime)).toBe(Date.parse(wanted));

    h.m365.clock.advance(61 * MIN);
    await h.graph.flush();
    expect((await refusal(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
    h.graph.setClientSession(h.alice.id, 'Busy', 'InACall');
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(0);
    h.graph.endClientSession(h.alice.id);
  });

  it('deletes with 204 and lists only what the app made in the tenant', async () => {
    const sub = await create(subscription());
    const list = (await client.api('/subscriptions').get()) as { value: Array<{ id: string }> };
    expect(list.value.map((s) => s.id)).toEqual([sub.id]);
    await client.api(`/subscriptions/${sub.id}`).delete();
    expect((await refusal(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
    const other = h.client(await h.userToken(h.mallory, ['Presence.Read.All']));
    const theirs = (await other.api('/subscriptions').get()) as { value: unknown[] };
    expect(theirs.value).toEqual([]);
  });
});

describe('lifecycle notifications', () => {
  it('asks for reauthorization, stops notifications until the app reauthorizes, then resumes', async () => {
    const sub = await create(subscription());
    h.graph.requireReauthorization(sub.id);
    await h.graph.flush();
    const [lifecycle] = receiver.posts('/lifecycle');
    expect(lifecycle?.value[0]).toMatchObject({
      subscriptionId: sub.id,
      lifecycleEvent: 'reauthorizationRequired',
      clientState: 'ccx-secret-state',
      tenantId: h.tenant.id,
    });
    expect(lifecycle?.validationTokens).toHaveLength(1);

    h.graph.setClientSession(h.alice.id, 'Busy', 'InACall');
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(0);

    await client.api(`/subscriptions/${sub.id}/reauthorize`).post({});
    h.graph.setClientSession(h.alice.id, 'Available', 'Available');
    await h.graph.flush();
    expect(receiver.posts('/notify')).toHaveLength(1);
    h.graph.endClientSession(h.alice.id);
  });

  it('asks for reauthorization 15 minutes before the creating token expires', async () => {
    const shortLived = h.client(await h.userToken(h.alice, ['Presence.Read.All'], 20 * 60));
    const sub = (await shortLived.api('/subscriptions').post(subscription())) as { id: string };
    h.m365.clock.advance(4 * MIN);
    await h.graph.flush();
    expect(receiver.posts('/lifecycle')).toHaveLength(0);
    h.m365.clock.advance(1 * MIN);
    await h.graph.flush();
    expect(receiver.posts('/lifecycle').flatMap((p) => p.value)).toMatchObject([
      { subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' },
    ]);
    // Renewing with a fresh token reauthorizes as well.
    await client.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: inMinutes(60) });
    h.m365.clock.advance(20 * MIN);
    await h.graph.flush();
    expect(receiver.posts('/lifecycle')).toHaveLength(1);
  });

  it('reports a removed subscription', async () => {
    const sub = await create(subscription());
    h.graph.removeSubscription(sub.id);
    await h.graph.flush();
    expect(receiver.posts('/lifecycle').flatMap((p) => p.value)).toMatchObject([
      { subscriptionId: sub.id, lifecycleEvent: 'subscriptionRemoved' },
    ]);
    expect((await refusal(client.api(`/subscriptions/${sub.id}`).get())).statusCode).toBe(404);
  });
});
