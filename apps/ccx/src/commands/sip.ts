import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { DEFAULT_SIP_LIMITS, parseSipMessage, type SipMessage } from '@ccx/sip';
import type { Command } from 'commander';

/** Reads at most `limit + 1` bytes, so an oversized input is refused without buffering it all. */
export async function readBounded(input: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = chunk as Buffer;
    chunks.push(b.subarray(0, limit + 1 - size));
    size += Math.min(b.length, limit + 1 - size);
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}

/** The JSON view printed by `ccx sip parse`: the body as text when it is UTF-8, else base64. */
export function messageJson(message: SipMessage): Record<string, unknown> {
  const { startLine, headers, body } = message;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = undefined;
  }
  return {
    startLine,
    headers: headers.map((h) =>
      h.parsed ? { name: h.name, value: h.value, parsed: h.parsed } : h,
    ),
    ...(text !== undefined ? { body: text } : { bodyBase64: Buffer.from(body).toString('base64') }),
  };
}

/**
 * `ccx sip parse`: one SIP message on stdin, JSON on stdout (exit 0); an invalid message prints
 * its reason on one line on stderr (exit 1).
 */
export function registerSipCommand(program: Command): void {
  const sip = program.command('sip').description('SIP message tools (RFC 3261)');
  sip
    .command('parse')
    .description('parse one SIP message from stdin and print it as JSON')
    .showHelpAfterError(false)
    .action(async () => {
      const input = createReadStream('', { fd: 0, autoClose: false });
      const bytes = await readBounded(input, DEFAULT_SIP_LIMITS.maxMessageBytes);
      const result = parseSipMessage(bytes);
      if (!result.ok) throw new Error(result.reason);
      process.stdout.write(`${JSON.stringify(messageJson(result.message), null, 2)}\n`);
    });
}
