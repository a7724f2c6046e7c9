// A real MediaEngine on loopback for tests, with two RTP parties, one per leg, and the call set
// up through offer/answer exactly as the media.* commands do it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMediaEngine,
  loadUdpBatch,
  type IoKind,
  type MediaEngine,
  type OfferOptions,
  type RelayListener,
} from '@ccx/media-relay';
import { parseMediaSdp, type MediaSdp } from '@ccx/sdp';
import { RtpPeer } from './rtp-peer';

/** Both socket I/O paths when the native addon is built (npm test builds it first). */
export const ioKinds: IoKind[] = loadUdpBatch() ? ['batch', 'dgram'] : ['dgram'];
let engineIo: IoKind = 'auto';
/** The I/O the next engines use (set in a describe.each over ioKinds). */
export const setEngineIo = (io: IoKind) => {
  engineIo = io;
};

/** Engines and parties opened by the helpers below, closed by closeOpened() after each test. */
const opened: { engines: MediaEngine[]; peers: RtpPeer[] } = { engines: [], peers: [] };

/** Closes every engine and call party the helpers opened (use as `afterEach(closeOpened)`). */
export async function closeOpened(): Promise<void> {
  for (const peer of opened.peers.splice(0)) peer.close();
  await Promise.all(opened.engines.splice(0).map((e) => e.close()));
}

let nextPortBase = 41_000 + (process.pid % 50) * 200;

export interface EngineEvents {
  dtmf: { leg: string; digit: string }[];
  prompts: { leg: string; prompt: string; reason: string }[];
  reaped: { callId: string; idleMs: number }[];
}

export function openEngine(overrides: Partial<Parameters<typeof createMediaEngine>[0]> = {}): {
  engine: MediaEngine;
  events: EngineEvents;
  dir: string;
} {
  const events: EngineEvents = { dtmf: [], prompts: [], reaped: [] };
  const listener: RelayListener = {
    dtmf: (_s, leg, digit) => events.dtmf.push({ leg, digit }),
    promptEnded: (_s, leg, prompt, reason) => events.prompts.push({ leg, prompt, reason }),
    reaped: (s, idleMs) => events.reaped.push({ callId: s.callId, idleMs }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'ccx-media-'));
  const portMin = nextPortBase;
  nextPortBase += 200;
  const engine = createMediaEngine({
    workerId: 'test-mw',
    bindAddress: '127.0.0.1',
    portMin,
    portMax: portMin + 199,
    idleTimeoutMs: 60_000,
    rtcpIntervalMs: 200,
    promptDir: join(dir, 'prompts'),
    recordingDir: join(dir, 'recordings'),
    listener,
    io: engineIo,
    ...overrides,
  });
  opened.engines.push(engine);
  return { engine, events, dir };
}

export interface Call {
  a: RtpPeer;
  b: RtpPeer;
  /** Relay ports: where a sends (relayA) and where b sends (relayB). */
  relayA: number;
  relayB: number;
  offerToB: MediaSdp;
  answerToA: MediaSdp;
  transcoding: boolean;
}

const mustParse = (sdp: string): MediaSdp => {
  const r = parseMediaSdp(sdp);
  if (!r.ok) throw new Error(r.error);
  return r.sdp;
};

/** Sets a call up: a offers `aSdp(a)`, b answers `bSdp(b, offerToB)`. */
export async function setUpCall(
  engine: MediaEngine,
  callId: string,
  aSdp: (a: RtpPeer) => string,
  bSdp: (b: RtpPeer, offer: MediaSdp) => string,
  options: OfferOptions = { transcode: true },
  tenantId = 'acme',
): Promise<Call> {
  const a = await RtpPeer.open();
  const b = await RtpPeer.open();
  opened.peers.push(a, b);
  const offered = await engine.offer(tenantId, callId, aSdp(a), options);
  const offerToB = mustParse(offered.sdp);
  const answered = engine.answer(tenantId, callId, bSdp(b, offerToB));
  const answerToA = mustParse(answered.sdp);
  return {
    a,
    b,
    relayA: answerToA.audio.port,
    relayB: offerToB.audio.port,
    offerToB,
    answerToA,
    transcoding: answered.transcoding,
  };
}

export const PCMU = { pt: 0, name: 'PCMU' };
export const PCMA = { pt: 8, name: 'PCMA' };
export const event = (pt: number) => ({ pt, name: 'telephone-event' });
