import { z } from 'zod';
import { e164, tenantId } from '../envelope';
import { callId, callTarget, requestId } from './common';
import { routingCommands } from './routing';

const g711Codec = z.enum(['PCMU', 'PCMA']);
const leg = z.enum(['a', 'b']);
/** Per-leg statistics of a media session (media.query, media.delete). */
export const mediaLegStats = z.object({
  /** Where the peer's media comes from once latched ("ip:port"), else where its SDP said. */
  remote: z.string().optional(),
  latched: z.boolean(),
  srtp: z.boolean(),
  codec: g711Codec.optional(),
  packetsIn: z.number().int().nonnegative(),
  packetsOut: z.number().int().nonnegative(),
  bytesIn: z.number().int().nonnegative(),
  bytesOut: z.number().int().nonnegative(),
  /** RTCP compounds accepted from the party and sent to it (ours: we terminate RTCP). */
  rtcpIn: z.number().int().nonnegative(),
  rtcpOut: z.number().int().nonnegative(),
  packetsLost: z.number().int(),
  fractionLost: z.number().min(0).max(1),
  jitterMs: z.number().nonnegative(),
  rttMs: z.number().nonnegative().optional(),
  mos: z.number().min(1).max(5).optional(),
  /** Packets dropped, by reason (malformed, foreign source, SRTP auth/replay, unknown PT, ...). */
  dropped: z.record(z.string(), z.number().int().nonnegative()),
  dtmfDigits: z.string(),
});

/**
 * Commands: requests to one service that expect one reply within a bounded wait.
 * Names are wire names (queue names); never rename one.
 *
 * Media commands follow what SBCs send rtpengine: `media.offer` with the caller's SDP (leg a),
 * `media.answer` with the callee's SDP (leg b). A worker owns the sessions it created, so every
 * command after the offer goes to that worker (`target: workerId`).
 */
export const commandCatalogue = {
  'media.offer': {
    version: 2,
    handledBy: 'media-worker',
    description:
      "Create a media session from the caller's SDP offer (leg a); returns the SDP to offer leg b.",
    request: z.object({
      tenantId,
      requestId,
      callId,
      fromTag: z.string().min(1),
      sdp: z.string().min(1),
      /** Transport profile of leg b; defaults to leg a's. Teams Direct Routing is RTP/SAVP. */
      bProfile: z.enum(['RTP/AVP', 'RTP/SAVP']).optional(),
      /** G.711 codecs to offer leg b, in order; default: a's G.711 codecs, then the other law. */
      bCodecs: z.array(g711Codec).min(1).optional(),
      /** Offer leg b the other G.711 law too, transcoding if it picks it (default true). */
      transcode: z.boolean().default(true),
      /**
       * Also answer leg a now, before any leg b (the SBC answers a call itself, `sbc.answer`):
       * the reply's `aSdp` answers leg a; leg a keeps that codec when a leg b comes later.
       */
      answerA: z.boolean().optional(),
    }),
    reply: z.object({
      sessionId: z.string().min(1),
      sdp: z.string().min(1),
      workerId: z.string().min(1),
      /** With `answerA`: the SDP to answer leg a with. */
      aSdp: z.string().min(1).optional(),
    }),
  },
  'media.answer': {
    version: 2,
    handledBy: 'media-worker',
    description:
      "Complete a media session with the callee's SDP answer; returns the SDP for leg a.",
    request: z.object({
      tenantId,
      requestId,
      callId,
      toTag: z.string().min(1),
      sdp: z.string().min(1),
    }),
    reply: z.object({
      sessionId: z.string().min(1),
      sdp: z.string().min(1),
      transcoding: z.boolean(),
    }),
  },
  'media.delete': {
    version: 2,
    handledBy: 'media-worker',
    description: 'Tear down the media session of a call; returns its final statistics.',
    request: z.object({ tenantId, requestId, callId }),
    reply: z.object({
      deleted: z.boolean(),
      a: mediaLegStats.optional(),
      b: mediaLegStats.optional(),
    }),
  },
  'media.query': {
    version: 2,
    handledBy: 'media-worker',
    description: 'Per-leg statistics of a call, with MOS per leg and for the call (the worse leg).',
    request: z.object({ tenantId, callId }),
    reply: z.object({
      sessionId: z.string().min(1),
      state: z.enum(['offered', 'answered']),
      transcoding: z.boolean(),
      recording: z.boolean(),
      mos: z.number().min(1).max(5).optional(),
      a: mediaLegStats,
      b: mediaLegStats,
    }),
  },
  'media.play': {
    version: 2,
    handledBy: 'media-worker',
    description:
      'Play a WAV prompt (G.711 or 16-bit PCM, 8 kHz mono) into one leg, optionally stopping on DTMF from that leg.',
    request: z.object({
      tenantId,
      requestId,
      callId,
      leg,
      /** A file name inside the worker's prompt directory (no path separators). */
      prompt: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.wav$/, 'a .wav file name'),
      bargeIn: z.boolean().default(true),
    }),
    reply: z.object({ playing: z.boolean(), durationMs: z.number().int().nonnegative() }),
  },
  'media.record': {
    version: 2,
    handledBy: 'media-worker',
    description: 'Start or stop recording a call to a stereo WAV (leg a left, leg b right).',
    request: z.object({ tenantId, requestId, callId, action: z.enum(['start', 'stop']) }),
    reply: z.object({ recording: z.boolean(), file: z.string().optional() }),
  },
  'sbc.connect': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Connect a call the SBC is holding (offered to routing) to a Teams user, a SIP URI or a number.',
    request: z.object({
      tenantId,
      requestId,
      callId,
      target: callTarget,
      /**
       * Give the attempt up after this long without an answer (an agent's offer timeout). A
       * failed attempt leaves the caller held and publishes `call.connect-failed` with this
       * requestId; without it the SBC's ring timeout (180 s) applies.
       */
      timeoutSeconds: z.number().int().min(1).max(600).optional(),
    }),
    reply: z.object({ accepted: z.boolean(), reason: z.string().optional() }),
  },
  'sbc.answer': {
    version: 1,
    handledBy: 'sbc',
    description:
      "Answer a held call locally (200 OK with the media worker's SDP), so prompts can play and DTMF be heard before it is connected.",
    request: z.object({ tenantId, requestId, callId }),
    reply: z.object({ answered: z.boolean(), reason: z.string().optional() }),
  },
  'sbc.play': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Play a prompt to the caller of a call the SBC answered or connected; `media.prompt-ended` and `media.dtmf-detected` follow with the call id.',
    request: z.object({
      tenantId,
      requestId,
      callId,
      prompt: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.wav$/, 'a .wav file name'),
      bargeIn: z.boolean().default(true),
    }),
    reply: z.object({ playing: z.boolean(), durationMs: z.number().int().nonnegative() }),
  },
  'sbc.record': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Start or stop recording a call (voicemail: start after the greeting, stop on hang-up).',
    request: z.object({ tenantId, requestId, callId, action: z.enum(['start', 'stop']) }),
    reply: z.object({ recording: z.boolean(), file: z.string().optional() }),
  },
  'sbc.originate': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Place a new call: ring `first` (an agent), and once it answers, call `then` (the customer) and join them. Events carry the given callId.',
    request: z.object({
      tenantId,
      requestId,
      /** Chosen by the caller of the command; the new call's events carry it. */
      callId,
      first: callTarget,
      then: callTarget,
      /** Number shown to the customer; default: the tenant's first queue number. */
      callerId: e164.optional(),
      /** How long `first` may ring (the offer timeout). */
      timeoutSeconds: z.number().int().min(1).max(600).optional(),
    }),
    reply: z.object({ accepted: z.boolean(), reason: z.string().optional() }),
  },
  'sbc.transfer': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Transfer an answered call: blind to a target, or attended onto another call of the same SBC (Replaces).',
    request: z.object({
      tenantId,
      requestId,
      callId,
      kind: z.enum(['blind', 'attended']),
      target: callTarget.optional(),
      /** Attended: the consultation call that replaces this call's far side. */
      withCallId: callId.optional(),
    }),
    reply: z.object({ accepted: z.boolean(), reason: z.string().optional() }),
  },
  'sbc.hangup': {
    version: 1,
    handledBy: 'sbc',
    description: 'End a call (CANCEL or BYE on both legs) with a Q.850 cause.',
    request: z.object({
      tenantId,
      requestId,
      callId,
      q850Cause: z.number().int().min(0).max(127).default(16),
    }),
    reply: z.object({ ended: z.boolean() }),
  },
  'sbc.live-calls': {
    version: 1,
    handledBy: 'sbc',
    description:
      'Which of these calls the SBC still holds (routing reconciles agents held by calls against it).',
    request: z.object({ tenantId, requestId, callIds: z.array(callId).min(1).max(1000) }),
    reply: z.object({ live: z.array(callId) }),
  },
  'system.ping': {
    version: 1,
    handledBy: 'any',
    description: 'Liveness probe between services; replies with who answered.',
    request: z.object({ tenantId, nonce: z.string().min(1) }),
    reply: z.object({ nonce: z.string().min(1), answeredBy: z.string().min(1) }),
  },
  ...routingCommands,
} as const;

export type CommandCatalogue = typeof commandCatalogue;
export type CommandName = keyof CommandCatalogue;
export type CommandRequest<N extends CommandName> = z.output<CommandCatalogue[N]['request']>;
export type CommandRequestInput<N extends CommandName> = z.input<CommandCatalogue[N]['request']>;
export type CommandReply<N extends CommandName> = z.output<CommandCatalogue[N]['reply']>;

export type MediaLegStats = z.output<typeof mediaLegStats>;

export const commandNames = Object.keys(commandCatalogue) as CommandName[];

export function isCommandName(value: string): value is CommandName {
  return Object.prototype.hasOwnProperty.call(commandCatalogue, value);
}
