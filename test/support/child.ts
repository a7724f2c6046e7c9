import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

/** Compiles apps/, libs/ and test/support to dist/ (incremental, fast when up to date). */
export function buildDist(): void {
  execFileSync(process.execPath, [resolve(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
}

export interface Child {
  process: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first line matching `pattern` (already seen or still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts a compiled script from dist/ with extra environment variables. */
export function startChild(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Child {
  const child = spawn(process.execPath, [resolve(root, 'dist', script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    process: child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error(`${script}: no line ${pattern} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            res(line);
          },
        });
      });
    },
  };
}

/** Kills a child if it is still running (SIGKILL) and waits for it to go. */
export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null)
    child.process.kill('SIGKILL');
  await child.exited;
}
