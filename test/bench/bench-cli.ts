// What every `npm run bench -- <name>` script shares: its flags, progress output that keeps stdout
// for the one JSON object under --json, and an exit status.

export interface BenchCli {
  argv: string[];
  /** --json: stdout carries exactly one JSON object; progress goes to stderr. */
  json: boolean;
  /** The value after `flag`, or undefined. */
  text(flag: string): string | undefined;
  /** A positive number after `flag`, else `fallback`. */
  num(flag: string, fallback: number): number;
  /** A progress or table line: stdout normally, stderr under --json. */
  log(line: string): void;
}

export function benchCli(argv: string[] = process.argv.slice(2)): BenchCli {
  const json = argv.includes('--json');
  const text = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    argv,
    json,
    text,
    num(flag, fallback) {
      const v = Number(text(flag));
      return Number.isFinite(v) && v > 0 ? v : fallback;
    },
    log: (line) => (json ? process.stderr.write(`${line}\n`) : console.log(line)),
  };
}

/** Runs a bench's main and exits: 0 when it finished, 1 (with the error) when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
