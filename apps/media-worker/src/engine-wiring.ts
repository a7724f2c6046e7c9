import type { EventBus } from '@ccx/event-bus';
import { createMediaEngine, type MediaEngine, type RelayListener } from '@ccx/media-relay';
import type { Logger } from '@ccx/observability';
import type { MediaWorkerConfig } from './config';

/** The relay with its events going to the bus (dtmf, prompt ended, reaped) and to the log. */
export function createEngine(
  config: MediaWorkerConfig,
  workerId: string,
  bus: EventBus,
  logger: Logger,
): MediaEngine {
  const publish = (what: string, p: Promise<unknown>) =>
    p.catch((err: unknown) => logger.warn({ err }, `${what} event not published`));
  const listener: RelayListener = {
    dtmf(s, leg, digit, durationMs) {
      void publish(
        'dtmf',
        bus.publish('media.dtmf-detected', {
          tenantId: s.tenantId,
          callId: s.callId,
          data: { leg, digit, durationMs },
        }),
      );
    },
    promptEnded(s, leg, prompt, reason, playedMs) {
      void publish(
        'prompt',
        bus.publish('media.prompt-ended', {
          tenantId: s.tenantId,
          callId: s.callId,
          data: { leg, prompt, reason, playedMs },
        }),
      );
    },
    reaped(s, idleMs) {
      logger.warn(
        { tenantId: s.tenantId, callId: s.callId, sessionId: s.sessionId, idleMs },
        'media session reaped: no media',
      );
      void publish(
        'reaped',
        bus.publish('media.session-reaped', {
          tenantId: s.tenantId,
          callId: s.callId,
          data: { sessionId: s.sessionId, idleMs },
        }),
      );
    },
    sendError(s, leg, error) {
      logger.debug({ callId: s.callId, leg, err: error }, 'media socket error');
    },
  };
  return createMediaEngine({
    workerId,
    bindAddress: config.MEDIA_RTP_BIND,
    advertiseAddress: config.MEDIA_RTP_ADVERTISE,
    portMin: config.MEDIA_PORT_MIN,
    portMax: config.MEDIA_PORT_MAX,
    maxSessions: config.MEDIA_MAX_SESSIONS,
    idleTimeoutMs: config.MEDIA_IDLE_TIMEOUT_MS,
    promptDir: config.MEDIA_PROMPT_DIR,
    recordingDir: config.MEDIA_RECORDING_DIR,
    io: config.MEDIA_IO,
    listener,
  });
}
