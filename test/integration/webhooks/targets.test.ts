import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTargetAllowed, Signer, generateWebhookSecret, WebhookSender } from '@ccx/webhooks';
import { Receiver } from './harness';

const strict = { allowPrivateTargets: false };
const signed = new Signer({ current: generateWebhookSecret() }).sign('msg_x', new Date(), '{}');

describe('private and loopback webhook targets', () => {
  let rx: Receiver;
  let sender: WebhookSender;

  beforeAll(async () => {
    rx = await Receiver.start();
    sender = new WebhookSender({ ...strict, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await sender.close();
    await rx.close();
  });

  const loopbackUrls = () => [
    `https://localhost:${rx.port}/hook`,
    `https://127.0.0.1:${rx.port}/hook`,
    `https://[::1]:${rx.port}/hook`,
    `https://[::ffff:127.0.0.1]:${rx.port}/hook`,
    `https://2130706433:${rx.port}/hook`,
  ];

  it('refuses them when a subscription is created', async () => {
    for (const url of loopbackUrls()) {
      await expect(assertTargetAllowed(url, strict), url).rejects.toThrow(/loopback/);
    }
    await expect(assertTargetAllowed('https://10.1.2.3/x', strict)).rejects.toThrow(/private/);
    await expect(assertTargetAllowed('https://169.254.169.254/latest', strict)).rejects.toThrow(
      /linkLocal/,
    );
    await expect(assertTargetAllowed(`http://localhost:${rx.port}/`, strict)).rejects.toThrow(
      /https/,
    );
  });

  it('refuses them again at connect time, sending nothing (DNS rebinding cannot slip past)', async () => {
    for (const url of loopbackUrls()) {
      const res = await sender.post(url, '{}', signed);
      expect(res.statusCode, url).toBeNull();
      expect(res.error, url).toMatch(/^target refused: the target is a loopback address/);
    }
    const byName = await sender.post(`https://localhost:${rx.port}/hook`, '{}', signed);
    expect(byName.error).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    expect(rx.requests).toHaveLength(0);
  });

  it('lets them through when the operator allows private targets', async () => {
    const lax = { allowPrivateTargets: true };
    await expect(
      assertTargetAllowed(`http://localhost:${rx.port}/hook`, lax),
    ).resolves.toBeInstanceOf(URL);
    const open = new WebhookSender({ ...lax, timeoutMs: 2_000 });
    try {
      const res = await open.post(`http://localhost:${rx.port}/hook`, '{"a":1}', signed);
      expect(res).toMatchObject({ statusCode: 200, error: null });
      expect(rx.requests).toHaveLength(1);
    } finally {
      await open.close();
    }
  });

  it('reports an unreachable endpoint and a timeout as failed attempts', async () => {
    const lax = new WebhookSender({ allowPrivateTargets: true, timeoutMs: 300 });
    const gone = await Receiver.start();
    const closedPort = gone.port;
    await gone.close();
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const refused = await lax.post(`http://127.0.0.1:${closedPort}/`, '{}', signed);
      expect(refused).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/ECONNREFUSED/),
      });
      const port = (silent.address() as AddressInfo).port;
      const timedOut = await lax.post(`http://127.0.0.1:${port}/`, '{}', signed);
      expect(timedOut).toMatchObject({ statusCode: null, error: 'timed out after 300 ms' });
      expect(timedOut.durationMs).toBeGreaterThanOrEqual(290);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await lax.close();
    }
  });
});
