// `npm run bench -- g711 [--json] [--samples N] [--runs N]`
// G.711 throughput per direction, single core: the library on whole buffers (preallocated
// outputs, warm-up, best of --runs), the `ccx g711` process on a file, and `sox` on the same
// file in the same run when it is installed (with whether its bytes equal ours).
// Goals: >= 400 M samples/s pcm16 -> G.711, >= 1 G codes/s A <-> µ, at least twice sox.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  alawToUlaw,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  ulawToAlaw,
  type G711Format,
} from '@ccx/g711';
import { benchCli } from './bench-cli';

const { json, num, log } = benchCli();
const samples = num('--samples', 16 * 1024 * 1024);
const runs = num('--runs', 7);
const root = resolve(__dirname, '..', '..', '..');

type Direction =
  'pcm16->alaw' | 'pcm16->ulaw' | 'alaw->pcm16' | 'ulaw->pcm16' | 'alaw->ulaw' | 'ulaw->alaw';
const directions: Direction[] = [
  'pcm16->alaw',
  'pcm16->ulaw',
  'alaw->pcm16',
  'ulaw->pcm16',
  'alaw->ulaw',
  'ulaw->alaw',
];
const formats = (d: Direction) => d.split('->') as [G711Format, G711Format];

// Speech-like test signal: two tones, a slow envelope and noise (deterministic).
const pcm = new Int16Array(samples);
let seed = 12345;
for (let i = 0; i < samples; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  const env = 0.5 + 0.5 * Math.sin(i / 4000);
  const v = env * (9000 * Math.sin(i * 0.071) + 5000 * Math.sin(i * 0.23)) + ((seed >>> 20) - 2048);
  pcm[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
}
const alaw = encodeAlaw(pcm);
const ulaw = encodeUlaw(pcm);
const bytes = new Uint8Array(samples);
const pcmOut = new Int16Array(samples);

const work: Record<Direction, () => void> = {
  'pcm16->alaw': () => encodeAlaw(pcm, bytes),
  'pcm16->ulaw': () => encodeUlaw(pcm, bytes),
  'alaw->pcm16': () => decodeAlaw(alaw, pcmOut),
  'ulaw->pcm16': () => decodeUlaw(ulaw, pcmOut),
  'alaw->ulaw': () => alawToUlaw(alaw, bytes),
  'ulaw->alaw': () => ulawToAlaw(ulaw, bytes),
};

const msps = (seconds: number) => Math.round(samples / seconds / 1e5) / 10;

function bestOf(n: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < n; r++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

const lib = {} as Record<Direction, number>;
for (const d of directions) {
  bestOf(3, work[d]); // warm-up: tables hot, functions optimised
  lib[d] = msps(bestOf(runs, work[d]));
}

// Processes on files: ccx g711 and sox, same input files, best of 3 (start-up included).
const dir = mkdtempSync(join(tmpdir(), 'ccx-g711-bench-'));
const files: Record<G711Format, string> = {
  pcm16: join(dir, 'in.pcm16'),
  alaw: join(dir, 'in.alaw'),
  ulaw: join(dir, 'in.ulaw'),
};
writeFileSync(files.pcm16, new Uint8Array(pcm.buffer));
writeFileSync(files.alaw, alaw);
writeFileSync(files.ulaw, ulaw);
const outFile = join(dir, 'out.raw');

function runProcess(cmd: string, args: string[], stdinFile?: string): number {
  return bestOf(3, () => {
    const input = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
    const output = stdinFile ? openSync(outFile, 'w') : 'ignore';
    const res = spawnSync(cmd, args, { stdio: [input, output, 'pipe'], env: process.env });
    if (typeof input === 'number') closeSync(input);
    if (typeof output === 'number') closeSync(output);
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr?.toString()}`);
  });
}

const cli = {} as Record<Direction, number>;
// Without start-up: samples / (process time - time on an empty input). Approximate.
const cliStream = {} as Record<Direction, number>;
const ccx = join(root, 'bin', 'ccx.js');
process.env['CCX_REBUILD'] = '0';
writeFileSync(join(dir, 'empty'), new Uint8Array(0));
const cliStartupSeconds =
  Math.round(
    runProcess(
      process.execPath,
      [ccx, 'g711', '--from', 'alaw', '--to', 'ulaw'],
      join(dir, 'empty'),
    ) * 1000,
  ) / 1000;
for (const d of directions) {
  const [from, to] = formats(d);
  const seconds = runProcess(
    process.execPath,
    [ccx, 'g711', '--from', from, '--to', to],
    files[from],
  );
  cli[d] = msps(seconds);
  cliStream[d] = msps(Math.max(seconds - cliStartupSeconds, 1e-3));
}

const soxType: Record<G711Format, string[]> = {
  pcm16: ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1', '-r', '8000'],
  alaw: ['-t', 'raw', '-e', 'a-law', '-b', '8', '-c', '1', '-r', '8000'],
  ulaw: ['-t', 'raw', '-e', 'u-law', '-b', '8', '-c', '1', '-r', '8000'],
};
const hasSox = spawnSync('sox', ['--version'], { stdio: 'ignore' }).status === 0;
type SoxFigure = { msps: number; sameBytes: boolean; differing: number };
const soxFigures = {} as Record<Direction, SoxFigure>;
if (hasSox) {
  const expected = (d: Direction): Uint8Array => {
    work[d]();
    return formats(d)[1] === 'pcm16' ? new Uint8Array(pcmOut.buffer) : bytes;
  };
  for (const d of directions) {
    const [from, to] = formats(d);
    // -D: no dither, so sox quantises like a plain G.711 encoder.
    const args = ['-D', ...soxType[from], files[from], ...soxType[to], outFile];
    const seconds = runProcess('sox', args);
    const got = new Uint8Array(readFileSync(outFile));
    const want = expected(d);
    let differing = got.length === want.length ? 0 : Math.abs(got.length - want.length);
    for (let i = 0; i < Math.min(got.length, want.length); i++) if (got[i] !== want[i]) differing++;
    soxFigures[d] = { msps: msps(seconds), sameBytes: differing === 0, differing };
  }
}
const sox = hasSox ? soxFigures : null;
rmSync(dir, { recursive: true, force: true });

if (json) {
  process.stdout.write(
    `${JSON.stringify({ g711: { samples, runs, unit: 'M samples/s', lib, cli, cliStream, cliStartupSeconds, sox } })}\n`,
  );
} else {
  log(`G.711, ${samples.toLocaleString('en')} samples, single core, best of ${runs} (M samples/s)`);
  log('direction     library  ccx-process  ccx-stream  sox-process  sox bytes');
  for (const d of directions) {
    const s = sox?.[d];
    const soxCol = s ? String(s.msps).padStart(11) : '          -';
    const same = s ? (s.sameBytes ? 'identical' : `${s.differing} differ`) : '-';
    log(
      `${d.padEnd(12)} ${String(lib[d]).padStart(8)} ${String(cli[d]).padStart(12)} ${String(cliStream[d]).padStart(11)} ${soxCol}  ${same}`,
    );
  }
  log(
    `ccx-process: whole process on a file, including ${cliStartupSeconds} s of start-up; ccx-stream: without it`,
  );
  if (!hasSox) log('sox is not installed: no comparison (apt-get install -y sox)');
}
