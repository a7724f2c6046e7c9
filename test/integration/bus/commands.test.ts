import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CommandFailedError,
  commandQueueName,
  CommandTimeoutError,
  InvalidCommandError,
} from '@ccx/event-bus';
import { busPool, sleep, waitFor } from '../../support/bus';
import { redisUrl } from '../../support/redis';

const offer = { tenantId: 'acme', requestId: 'r-1', callId: 'call-1', fromTag: 'ft', sdp: 'v=0' };

describe('event bus: commands', () => {
  const pool = busPool('cmd');
  afterEach(() => pool.closeAll());

  it('returns the validated reply of the handler', async () => {
    const sbc = pool.open({ source: 'sbc' });
    const media = pool.open({ source: 'media-worker' });
    const seen: unknown[] = [];
    await media.handleCommand('media.offer', async (req) => {
      seen.push(req);
      return {
        sessionId: `s-${req.callId}`,
        sdp: `${req.sdp}\r\nc=IN IP4 10.0.0.1`,
        workerId: 'mw-1',
      };
    });
    const reply = await sbc.command('media.offer', offer);
    expect(reply).toEqual({
      sessionId: 's-call-1',
      sdp: 'v=0\r\nc=IN IP4 10.0.0.1',
      workerId: 'mw-1',
    });
    expect(seen).toEqual([{ ...offer, transcode: true }]);
    // Defaults of the request schema are applied before the request travels.
    await media.handleCommand('media.play', async (req) => ({
      playing: req.bargeIn,
      durationMs: 0,
    }));
    expect(
      await sbc.command('media.play', {
        tenantId: 'acme',
        requestId: 'r-2',
        callId: 'c',
        leg: 'a',
        prompt: 'hi.wav',
      }),
    ).toEqual({ playing: true, durationMs: 0 });
  });

  it('rejects with CommandTimeoutError when nobody answers, and the late request is not executed', async () => {
    const sbc = pool.open({ source: 'sbc' });
    const started = Date.now();
    const err = await sbc
      .command(
        'media.delete',
        { tenantId: 'acme', requestId: 'r-c1', callId: 'c1' },
        { timeoutMs: 300 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandTimeoutError);
    expect(err).toMatchObject({ command: 'media.delete', timeoutMs: 300, target: undefined });
    expect(Date.now() - started).toBeLessThan(3_000);

    // A worker that comes up later must not act on the expired request.
    const media = pool.open({ source: 'media-worker' });
    const executed: unknown[] = [];
    await media.handleCommand('media.delete', async (req) => {
      executed.push(req);
      return { deleted: true };
    });
    expect(
      await sbc.command('media.delete', { tenantId: 'acme', requestId: 'r-c2', callId: 'c2' }),
    ).toEqual({
      deleted: true,
    });
    expect(executed).toEqual([{ tenantId: 'acme', requestId: 'r-c2', callId: 'c2' }]);
  });

  it('does not execute a request whose deadline passed while it waited (caller gone)', async () => {
    const media = pool.open({ source: 'media-worker' });
    const executed: string[] = [];
    await media.handleCommand('media.delete', async (req) => {
      executed.push(req.callId);
      return { deleted: true };
    });
    // Requests left behind by a caller that crashed: one expired, one still valid.
    const queue = new Queue(commandQueueName('media.delete'), {
      prefix: pool.prefix,
      connection: { url: redisUrl() },
    });
    try {
      const envelope = (callId: string, deadline: number) => ({
        requestId: `r-${callId}`,
        command: 'media.delete',
        replyTo: `${pool.prefix}:bus:reply:gone`,
        deadline,
        caller: 'gone',
        request: { tenantId: 'acme', requestId: `q-${callId}`, callId },
      });
      await queue.add('media.delete', envelope('expired', Date.now() - 1), { jobId: 'r-expired' });
      await queue.add('media.delete', envelope('valid', Date.now() + 60_000), { jobId: 'r-valid' });
      await waitFor('the valid request', () => executed.includes('valid'));
      await sleep(100);
      expect(executed).toEqual(['valid']);
    } finally {
      await queue.close();
    }
  });

  it('rejects with CommandFailedError carrying the handler message', async () => {
    const sbc = pool.open();
    const media = pool.open();
    await media.handleCommand('media.answer', async () => {
      throw new Error('no such session');
    });
    await media.handleCommand('media.query', async () => ({ nonsense: true }) as never);
    const failed = await sbc
      .command('media.answer', { ...offer, toTag: 'tt' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CommandFailedError);
    expect(failed).toMatchObject({ command: 'media.answer', reason: 'no such session' });
    await expect(sbc.command('media.query', { tenantId: 'acme', callId: 'c' })).rejects.toThrow(
      /invalid reply/,
    );
  });

  it('validates the request before sending it', async () => {
    const sbc = pool.open();
    await expect(sbc.command('media.offer', { ...offer, sdp: '' })).rejects.toBeInstanceOf(
      InvalidCommandError,
    );
    await expect(sbc.command('media.offer', offer, { target: 'Bad Target' })).rejects.toThrow(
      /slug/,
    );
  });

  it('delivers a targeted command only to its target', async () => {
    const sbc = pool.open({ source: 'sbc' });
    const calls: string[] = [];
    for (const id of ['mw-1', 'mw-2', 'mw-3']) {
      const worker = pool.open({ source: 'media-worker', instanceId: id });
      await worker.handleCommand(
        'system.ping',
        async (req) => {
          calls.push(id);
          return { nonce: req.nonce, answeredBy: id };
        },
        { target: id },
      );
    }
    for (let i = 0; i < 10; i++) {
      const reply = await sbc.command(
        'system.ping',
        { tenantId: 'acme', nonce: `n${i}` },
        { target: 'mw-2' },
      );
      expect(reply).toEqual({ nonce: `n${i}`, answeredBy: 'mw-2' });
    }
    await sleep(100);
    expect(calls).toEqual(Array.from({ length: 10 }, () => 'mw-2'));
    const none = await sbc
      .command('system.ping', { tenantId: 'acme', nonce: 'x' }, { target: 'mw-9', timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(none).toMatchObject({ name: 'CommandTimeoutError', target: 'mw-9' });
  });

  it('answers many concurrent commands from several handlers', async () => {
    const caller = pool.open();
    for (let i = 0; i < 2; i++) {
      const h = pool.open({ instanceId: `h${i}` });
      await h.handleCommand('system.ping', async (req) => ({
        nonce: req.nonce,
        answeredBy: `h${i}`,
      }));
    }
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        caller.command('system.ping', { tenantId: 'acme', nonce: `${i}` }),
      ),
    );
    expect(replies.map((r) => r.nonce)).toEqual(Array.from({ length: 200 }, (_, i) => `${i}`));
  });
});
