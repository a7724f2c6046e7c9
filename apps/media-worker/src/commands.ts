// The media.* bus commands, served by this worker. media.offer is served on the shared queue
// (any worker) and on this worker's own (`target: workerId`, what the SBC uses after picking the
// least-loaded worker); every later command of a call goes to the worker that owns its session.

import type { EventBus, Subscription } from '@ccx/event-bus';
import { RequestCache, type MediaEngine } from '@ccx/media-relay';

export async function serveMediaCommands(
  bus: EventBus,
  engine: MediaEngine,
  workerId: string,
  cache = new RequestCache(),
): Promise<Subscription[]> {
  const once = <T>(command: string, tenantId: string, requestId: string, work: () => Promise<T>) =>
    cache.run(`${command}\u0000${tenantId}\u0000${requestId}`, work);

  const subs: Subscription[] = [];
  for (const target of [undefined, workerId]) {
    subs.push(
      await bus.handleCommand(
        'media.offer',
        (r) =>
          once('offer', r.tenantId, r.requestId, () =>
            engine.offer(r.tenantId, r.callId, r.sdp, {
              bProfile: r.bProfile,
              bCodecs: r.bCodecs,
              transcode: r.transcode,
              ...(r.answerA === true ? { answerA: true } : {}),
            }),
          ),
        { target, concurrency: 16 },
      ),
    );
  }
  const own = { target: workerId, concurrency: 16 };
  subs.push(
    await bus.handleCommand(
      'media.answer',
      (r) =>
        once('answer', r.tenantId, r.requestId, async () =>
          engine.answer(r.tenantId, r.callId, r.sdp),
        ),
      own,
    ),
    await bus.handleCommand(
      'media.delete',
      (r) => once('delete', r.tenantId, r.requestId, () => engine.delete(r.tenantId, r.callId)),
      own,
    ),
    await bus.handleCommand('media.query', async (r) => engine.query(r.tenantId, r.callId), own),
    await bus.handleCommand(
      'media.play',
      (r) =>
        once('play', r.tenantId, r.requestId, () =>
          engine.play(r.tenantId, r.callId, r.leg, r.prompt, r.bargeIn),
        ),
      own,
    ),
    await bus.handleCommand(
      'media.record',
      (r) =>
        once('record', r.tenantId, r.requestId, () =>
          engine.record(r.tenantId, r.callId, r.action),
        ),
      own,
    ),
  );
  return subs;
}
