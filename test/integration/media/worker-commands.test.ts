// The media worker as a process, driven over the event bus like the SBC drives it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALAW_TO_ULAW } from '@ccx/g711';
import { Redis } from 'ioredis';
import { MediaWorkerDirectory, refreshDirectory, workerStatusKey } from '@ccx/media-relay';
import { parseMediaSdp } from '@ccx/sdp';
import { busPool, waitFor } from '../../support/bus';
import { buildDist, startChild, type Child } from '../../support/child';
import { PCMA, PCMU, event } from '../../support/media-engine';
import { redisUrl } from '../../support/redis';
import { RtpPeer } from '../../support/rtp-peer';

const port = (sdp: string) => {
  const r = parseMediaSdp(sdp);
  if (!r.ok) throw new Error(r.error);
  return r.sdp.audio.port;
};

describe('media worker process over the bus', () => {
  const pool = busPool('mw');
  let worker: Child;
  const workerId = `mw-${process.pid}`;
  const portMin = 46_000 + (process.pid % 20) * 100;

  beforeAll(async () => {
    buildDist();
    worker = startChild('apps/media-worker/src/main.js', {
      REDIS_URL: redisUrl(),
      BUS_PREFIX: pool.prefix,
      INSTANCE_ID: workerId,
      MEDIA_HTTP_PORT: '0',
      MEDIA_PORT_MIN: String(portMin),
      MEDIA_PORT_MAX: String(portMin + 99),
      MEDIA_STATUS_INTERVAL_MS: '300',
      LOG_LEVEL: 'info',
    });
    await worker.waitForLine(/media worker ready/, 30_000);
  }, 120_000);

  afterAll(async () => {
    worker?.process.kill('SIGTERM');
    await worker?.exited;
    // A worker that stops leaves the directory at once (it does not wait to go stale).
    const redis = new Redis(redisUrl());
    try {
      expect(await redis.hexists(workerStatusKey(pool.prefix), workerId)).toBe(0);
    } finally {
      redis.disconnect();
      await pool.closeAll();
    }
  });

  it('keeps its status in Redis for every SBC replica; on shutdown it removes it', async () => {
    const redis = new Redis(redisUrl());
    try {
      const directory = new MediaWorkerDirectory();
      await waitFor(
        'the stored status',
        async () => (await refreshDirectory(redis, pool.prefix, directory)).workers === 1,
      );
      expect(directory.pick()).toBe(workerId);
      // A second SBC replica reads the same.
      const other = new MediaWorkerDirectory();
      await refreshDirectory(redis, pool.prefix, other);
      expect(other.live().map((w) => w.workerId)).toEqual([workerId]);
      // Garbage in the hash is skipped, not fatal.
      await redis.hset(workerStatusKey(pool.prefix), 'junk', '{"status":1}');
      expect(
        (await refreshDirectory(redis, pool.prefix, new MediaWorkerDirectory())).invalid,
      ).toEqual(['junk']);
      await redis.hdel(workerStatusKey(pool.prefix), 'junk');
    } finally {
      redis.disconnect();
    }
  });

  it('announces capacity and load; the directory picks it', async () => {
    const sbc = pool.open({ source: 'sbc' });
    const directory = new MediaWorkerDirectory();
    const sub = await sbc.subscribe('sbc-directory', ['media.worker-status'], async (e) => {
      directory.update(e.data);
    });
    try {
      await waitFor('a worker status', () => directory.live().length > 0, 10_000);
      expect(directory.live()[0]).toMatchObject({ workerId, capacity: 25, activeSessions: 0 });
      expect(directory.pick()).toBe(workerId);
    } finally {
      await sub.close();
    }
  });

  it('sets a call up with offer/answer, relays it, reports stats, and a retried request is harmless', async () => {
    const sbc = pool.open({ source: 'sbc' });
    const a = await RtpPeer.open();
    const b = await RtpPeer.open();
    try {
      const offer = {
        tenantId: 'acme',
        requestId: 'offer-1',
        callId: 'call-1',
        fromTag: 'ft',
        sdp: a.sdp([PCMA, event(101)]),
        bCodecs: ['PCMU' as const],
      };
      const offered = await sbc.command('media.offer', offer, { target: workerId });
      expect(offered.workerId).toBe(workerId);
      // The same request again (a lost reply, a retry): the same reply, no second session.
      expect(await sbc.command('media.offer', offer, { target: workerId })).toEqual(offered);
      const answerReq = {
        tenantId: 'acme',
        requestId: 'answer-1',
        callId: 'call-1',
        toTag: 'tt',
        sdp: b.sdp([PCMU, event(101)]),
      };
      const answered = await sbc.command('media.answer', answerReq, { target: workerId });
      expect(answered.transcoding).toBe(true);
      const relayA = port(answered.sdp);
      const relayB = port(offered.sdp);
      for (let i = 0; i < 10; i++) await a.sendRtp(relayA, 8, new Uint8Array(160).fill(0xd5));
      await b.waitForRtp(10);
      const expected = ALAW_TO_ULAW[0xd5];
      expect(b.rtp().every((p) => p.payload.every((x) => x === expected))).toBe(true);
      await b.sendRtp(relayB, 0, new Uint8Array(160).fill(0xff));
      await a.waitForRtp(1);

      const stats = await sbc.command(
        'media.query',
        { tenantId: 'acme', callId: 'call-1' },
        { target: workerId },
      );
      expect(stats).toMatchObject({
        state: 'answered',
        transcoding: true,
        a: { packetsIn: 10, codec: 'PCMA', latched: true },
        b: { packetsIn: 1, packetsOut: 10, codec: 'PCMU' },
      });
      expect(stats.mos).toBeGreaterThan(4);
      // Another tenant cannot see or touch the call.
      await expect(
        sbc.command('media.query', { tenantId: 'globex', callId: 'call-1' }, { target: workerId }),
      ).rejects.toThrow(/no media session/);

      const del = { tenantId: 'acme', requestId: 'del-1', callId: 'call-1' };
      const deleted = await sbc.command('media.delete', del, { target: workerId });
      expect(deleted).toMatchObject({ deleted: true, a: { packetsIn: 10 } });
      expect(await sbc.command('media.delete', del, { target: workerId })).toEqual(deleted);
      expect(
        await sbc.command('media.delete', { ...del, requestId: 'del-2' }, { target: workerId }),
      ).toEqual({ deleted: false });
    } finally {
      a.close();
      b.close();
    }
  });

  it('fails a bad offer with a clear error and keeps serving', async () => {
    const sbc = pool.open({ source: 'sbc' });
    await expect(
      sbc.command(
        'media.offer',
        { tenantId: 'acme', requestId: 'bad-1', callId: 'bad', fromTag: 'f', sdp: 'v=0\r\n' },
        { target: workerId },
      ),
    ).rejects.toThrow(/offer: /);
    const a = await RtpPeer.open();
    try {
      const ok = await sbc.command(
        'media.offer',
        { tenantId: 'acme', requestId: 'ok-1', callId: 'ok', fromTag: 'f', sdp: a.sdp([PCMU]) },
        { target: workerId },
      );
      expect(port(ok.sdp)).toBeGreaterThanOrEqual(portMin);
    } finally {
      a.close();
    }
  });
});
