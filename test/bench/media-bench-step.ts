// One step of the media bench: N calls. Loopback baseline (generator --direct), then a fresh
// worker, N calls set up over the bus, the generator through the relay for warm-up + steady
// phase (worker CPU measured over the steady phase), every call deleted, the worker stopped.
import { join } from 'node:path';
import { createEventBus } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import {
  callLaws,
  deleteCalls,
  setupCalls,
  type PlannedCall,
  type WorkerTotals,
} from './media-bench-calls';
import { runLoad, writeCallList, type LoadCall, type LoadResult } from './media-bench-load';
import {
  coreBusy,
  coreTimes,
  processCpuSeconds,
  processRunQueueSeconds,
  udpReceiveBufferErrors,
} from './media-bench-procs';
import { startWorker } from './media-bench-worker';

export interface StepOptions {
  redisUrl: string;
  busPrefix: string;
  binary: string;
  /** The generator busy-polls (no wake-ups for the relay to pay on loopback). */
  spin?: boolean;
  tables: string;
  dir: string;
  seconds: number;
  warmup: number;
  directSeconds: number;
  portMin: number;
  portMax: number;
  genPortBase: number;
  inflight: number;
  workerCore: number | undefined;
  generatorCore: number | undefined;
  /** Extra node flags for the worker (--worker-node-args), e.g. --perf-basic-prof for perf(1). */
  workerNodeArgs: string[];
  log(line: string): void;
}

export interface StepResult {
  calls: number;
  direct: LoadResult;
  /** Absent when the step failed before or during the relay run (see error). */
  relay?: LoadResult;
  /** Worker CPU over the steady phase, in cores (1.0 = one core busy all the time). */
  workerCores?: number;
  /** Seconds per second the worker's threads waited for a CPU over the steady phase. */
  workerRunQueueWait?: number;
  /** Busy fraction of each core over the steady phase (everything running, not just ours). */
  coreBusy?: number[];
  /** Kernel drops on full UDP receive buffers over the run, system-wide. */
  udpRcvbufErrors?: number;
  worker?: WorkerTotals & { warnings: number };
  error?: string;
}

/** Generator ports: 4 per call (RTP and RTCP for each leg), from genPortBase. */
export function plannedCalls(o: StepOptions, n: number, runId: string): PlannedCall[] {
  return Array.from({ length: n }, (_, i) => ({
    callId: `${runId}-${n}-${i}`,
    aPort: o.genPortBase + 4 * i,
    bPort: o.genPortBase + 4 * i + 2,
    ...callLaws(i),
  }));
}

const asLoadCall = (c: PlannedCall): LoadCall => ({
  aPort: c.aPort,
  aRelayPort: 0,
  bPort: c.bPort,
  bRelayPort: 0,
  aPt: c.aLaw === 'PCMA' ? 8 : 0,
  bPt: c.bLaw === 'PCMA' ? 8 : 0,
  aLaw: c.aLaw,
  bLaw: c.bLaw,
});

export async function directBaseline(o: StepOptions, planned: PlannedCall[]): Promise<LoadResult> {
  const file = writeCallList(join(o.dir, `direct-${planned.length}.txt`), planned.map(asLoadCall));
  return runLoad({
    binary: o.binary,
    callList: file,
    tables: o.tables,
    seconds: o.directSeconds,
    warmup: 1,
    direct: true,
    core: o.generatorCore,
    spin: o.spin,
  });
}

export async function runStep(o: StepOptions, n: number, runId: string): Promise<StepResult> {
  const planned = plannedCalls(o, n, runId);
  o.log(`  ${n} calls: loopback baseline (--direct, ${o.directSeconds} s)`);
  const direct = await directBaseline(o, planned);
  const result: StepResult = { calls: n, direct };

  o.log(`  ${n} calls: starting the media worker`);
  const worker = await startWorker({
    redisUrl: o.redisUrl,
    busPrefix: o.busPrefix,
    portMin: o.portMin,
    portMax: o.portMax,
    maxSessions: n + 10,
    core: o.workerCore,
    nodeArgs: o.workerNodeArgs,
  });
  const bus = createEventBus({
    redisUrl: o.redisUrl,
    prefix: o.busPrefix,
    source: 'media-bench',
    logger: createLogger('media-bench', 'silent'),
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    const { calls, relayAddress } = await setupCalls(bus, planned, o.inflight, o.log);
    const file = writeCallList(join(o.dir, `relay-${n}.txt`), calls);
    o.log(`  ${n} calls: RTP through the relay for ${o.warmup} s warm-up + ${o.seconds} s`);
    let cpuStart = 0;
    let waitStart = 0;
    let cores = coreTimes();
    const rcvbuf = udpReceiveBufferErrors();
    const sample = (read: (pid: number) => number) => {
      try {
        return read(worker.pid);
      } catch {
        return NaN; // the worker is gone: reported below
      }
    };
    result.relay = await runLoad({
      binary: o.binary,
      callList: file,
      tables: o.tables,
      seconds: o.seconds,
      warmup: o.warmup,
      direct: false,
      host: relayAddress,
      spin: o.spin,
      core: o.generatorCore,
      onStart: () => {
        // rtpload starts sending 50 ms after it starts; its steady phase begins after warm-up.
        const steadyMs = 50 + o.warmup * 1000;
        timers.push(
          setTimeout(() => {
            cpuStart = sample(processCpuSeconds);
            waitStart = sample(processRunQueueSeconds);
            cores = coreTimes();
          }, steadyMs),
          setTimeout(
            () => {
              const perSecond = (now: number, start: number) =>
                Math.round(((now - start) / o.seconds) * 100) / 100;
              result.workerCores = perSecond(sample(processCpuSeconds), cpuStart);
              result.workerRunQueueWait = perSecond(sample(processRunQueueSeconds), waitStart);
              result.coreBusy = coreBusy(cores, coreTimes());
            },
            steadyMs + o.seconds * 1000,
          ),
        );
      },
    });
    result.udpRcvbufErrors = udpReceiveBufferErrors() - rcvbuf;
    if (worker.exited())
      throw new Error(`the worker exited during the run:\n${worker.output.join('\n')}`);
    o.log(`  ${n} calls: deleting`);
    const totals = await deleteCalls(
      bus,
      planned.map((c) => c.callId),
      o.inflight,
      o.log,
    );
    result.worker = { ...totals, warnings: worker.warnings() };
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    if (worker.output.length > 0) o.log(`  worker output:\n${worker.output.join('\n')}`);
  } finally {
    timers.forEach(clearTimeout);
    await bus.close().catch(() => undefined);
    await worker.stop();
  }
  return result;
}
