// Sets the bench's calls up on the media worker through the event bus, exactly as the SBC does:
// media.offer with leg a's SDP, media.answer with leg b's, media.delete at the end. The replies'
// SDPs carry the relay ports the generator sends to.
import type { CommandReply } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { parseMediaSdp, type AudioMedia } from '@ccx/sdp';
import type { Law, LoadCall } from './media-bench-load';
import { WORKER_ID } from './media-bench-worker';

const TENANT = 'bench';
const STATIC_PT: Record<Law, number> = { PCMU: 0, PCMA: 8 };
const COMMAND_TIMEOUT_MS = 10_000;

/** Every other call transcodes, alternating A->µ and µ->A; the others pass PCMA or PCMU through. */
export function callLaws(i: number): { aLaw: Law; bLaw: Law } {
  const plans: { aLaw: Law; bLaw: Law }[] = [
    { aLaw: 'PCMA', bLaw: 'PCMA' },
    { aLaw: 'PCMA', bLaw: 'PCMU' },
    { aLaw: 'PCMU', bLaw: 'PCMU' },
    { aLaw: 'PCMU', bLaw: 'PCMA' },
  ];
  return plans[i % 4]!;
}

/** The SDP of one generator endpoint: one G.711 codec, 20 ms, plain RTP on 127.0.0.1. */
export function endpointSdp(port: number, law: Law, pt: number, sessionId: number): string {
  return [
    'v=0',
    `o=rtpload ${sessionId} 1 IN IP4 127.0.0.1`,
    's=rtpload',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${law}/8000`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function audioOf(what: string, sdp: string): AudioMedia {
  const parsed = parseMediaSdp(sdp);
  if (!parsed.ok) throw new Error(`${what}: unreadable SDP from the worker: ${parsed.error}`);
  return parsed.sdp.audio;
}

function ptOf(what: string, audio: AudioMedia, law: Law): number {
  const codec = audio.codecs.find((c) => c.name.toUpperCase() === law && c.rate === 8000);
  if (!codec)
    throw new Error(
      `${what}: the worker's SDP has no ${law}: m=${audio.codecs.map((c) => c.name)}`,
    );
  return codec.pt;
}

export interface PlannedCall {
  callId: string;
  aPort: number;
  bPort: number;
  aLaw: Law;
  bLaw: Law;
}

/** Offer then answer for one call; returns what the generator needs and the relay's address. */
async function setupCall(bus: EventBus, c: PlannedCall, index: number) {
  const transcode = c.aLaw !== c.bLaw;
  const options = { target: WORKER_ID, timeoutMs: COMMAND_TIMEOUT_MS };
  const aPt = STATIC_PT[c.aLaw];
  const offer = await bus.command(
    'media.offer',
    {
      tenantId: TENANT,
      requestId: `${c.callId}-offer`,
      callId: c.callId,
      fromTag: `a${index}`,
      sdp: endpointSdp(c.aPort, c.aLaw, aPt, index),
      bCodecs: [c.bLaw],
      transcode,
    },
    options,
  );
  const toB = audioOf(`${c.callId} offer`, offer.sdp);
  const bPt = ptOf(`${c.callId} offer`, toB, c.bLaw);
  const answer = await bus.command(
    'media.answer',
    {
      tenantId: TENANT,
      requestId: `${c.callId}-answer`,
      callId: c.callId,
      toTag: `b${index}`,
      sdp: endpointSdp(c.bPort, c.bLaw, bPt, index + 1_000_000),
    },
    options,
  );
  const toA = audioOf(`${c.callId} answer`, answer.sdp);
  if (answer.transcoding !== transcode) {
    throw new Error(
      `${c.callId}: ${c.aLaw}->${c.bLaw} but the worker says transcoding=${answer.transcoding}`,
    );
  }
  const call: LoadCall = {
    aPort: c.aPort,
    aRelayPort: toA.port,
    bPort: c.bPort,
    bRelayPort: toB.port,
    aPt: ptOf(`${c.callId} answer`, toA, c.aLaw),
    bPt,
    aLaw: c.aLaw,
    bLaw: c.bLaw,
  };
  return { call, relayAddress: toA.address, relayAddressB: toB.address };
}

/** Runs `job` on every index with at most `inflight` at once; logs progress every quarter. */
async function pool(
  count: number,
  inflight: number,
  what: string,
  log: (line: string) => void,
  job: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const quarter = Math.max(1, Math.ceil(count / 4));
  const runner = async () => {
    while (next < count) {
      const i = next++;
      await job(i);
      if (++done % quarter === 0 || done === count) {
        const rate = Math.round(done / ((performance.now() - started) / 1000));
        log(`    ${what} ${done}/${count} calls (${rate} calls/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, runner));
}

/** Sets every call up; returns the generator's call list and the relay's address. */
export async function setupCalls(
  bus: EventBus,
  planned: PlannedCall[],
  inflight: number,
  log: (line: string) => void,
): Promise<{ calls: LoadCall[]; relayAddress: string }> {
  const calls: LoadCall[] = new Array<LoadCall>(planned.length);
  const addresses = new Set<string>();
  await pool(planned.length, inflight, 'set up', log, async (i) => {
    const r = await setupCall(bus, planned[i]!, i);
    calls[i] = r.call;
    addresses.add(r.relayAddress).add(r.relayAddressB);
  });
  if (addresses.size !== 1) throw new Error(`relay addresses differ: ${[...addresses].join(', ')}`);
  return { calls, relayAddress: [...addresses][0]! };
}

/** What the worker said about its legs in the media.delete replies, summed over the calls. */
export interface WorkerTotals {
  deleted: number;
  packetsIn: number;
  packetsOut: number;
  dropped: Record<string, number>;
}

export async function deleteCalls(
  bus: EventBus,
  callIds: string[],
  inflight: number,
  log: (line: string) => void,
): Promise<WorkerTotals> {
  const totals: WorkerTotals = { deleted: 0, packetsIn: 0, packetsOut: 0, dropped: {} };
  const add = (leg: CommandReply<'media.delete'>['a']) => {
    if (!leg) return;
    totals.packetsIn += leg.packetsIn;
    totals.packetsOut += leg.packetsOut;
    for (const [reason, n] of Object.entries(leg.dropped)) {
      totals.dropped[reason] = (totals.dropped[reason] ?? 0) + n;
    }
  };
  await pool(callIds.length, inflight, 'deleted', log, async (i) => {
    const callId = callIds[i]!;
    const reply = await bus.command(
      'media.delete',
      { tenantId: TENANT, requestId: `${callId}-delete`, callId },
      { target: WORKER_ID, timeoutMs: COMMAND_TIMEOUT_MS },
    );
    if (reply.deleted) totals.deleted++;
    add(reply.a);
    add(reply.b);
  });
  return totals;
}
