import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { G711_FORMATS, G711Transcoder, type G711Format } from '@ccx/g711';
import { Option, type Command } from 'commander';
import { UsageError } from './target';

/** Streams `input` through a G.711 transcoder into `output`, honouring backpressure. */
export async function transcodeStream(
  from: G711Format,
  to: G711Format,
  input: Readable,
  output: Writable,
): Promise<void> {
  const transcoder = new G711Transcoder(from, to);
  for await (const chunk of input) {
    const out = transcoder.push(chunk as Buffer);
    if (out.length > 0 && !output.write(out)) await once(output, 'drain');
  }
  try {
    transcoder.end();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * `ccx g711 --from <pcm16|alaw|ulaw> --to <pcm16|alaw|ulaw>`: raw samples on stdin to raw
 * samples on stdout (pcm16 = signed 16-bit little-endian). Usage errors are one line, exit 2.
 */
export function registerG711Command(program: Command): void {
  program
    .command('g711')
    .description('transcode raw G.711 / pcm16 samples from stdin to stdout (bit-exact, G.191)')
    .addOption(
      new Option('--from <format>', 'input format').choices(G711_FORMATS).makeOptionMandatory(),
    )
    .addOption(
      new Option('--to <format>', 'output format').choices(G711_FORMATS).makeOptionMandatory(),
    )
    .showHelpAfterError(false)
    .action(async (o: { from: G711Format; to: G711Format }) => {
      // Reading fd 0 in 1 MiB chunks (process.stdin reads 64 KiB) halves the per-chunk overhead
      // on files and large pipes.
      const input = createReadStream('', { fd: 0, highWaterMark: 1 << 20, autoClose: false });
      await transcodeStream(o.from, o.to, input, process.stdout);
    });
}
