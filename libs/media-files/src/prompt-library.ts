// Loads prompts by file name from one directory, decoded once and cached until the file changes.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodePrompt, type PromptAudio } from './prompt';

export type PromptErrorCode = 'bad-name' | 'not-found' | 'too-large' | 'unreadable' | 'bad-format';

export class PromptError extends Error {
  override readonly name = 'PromptError';

  constructor(
    readonly code: PromptErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PromptLibraryOptions {
  /** Largest file accepted, in bytes (default 16 MiB: 17 minutes of 8 kHz 16-bit PCM). */
  maxBytes?: number;
}

type Entry = { mtimeMs: number; size: number; prompt: Promise<PromptAudio> };

/** A plain file name: no directory part, nothing that walks out of the directory. */
export function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !name.includes('..') &&
    name !== '.'
  );
}

export class PromptLibrary {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly cache = new Map<string, Entry>();

  constructor(dir: string, options: PromptLibraryOptions = {}) {
    this.dir = resolve(dir);
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  /** The decoded prompt; rejects with a PromptError whose message names the prompt. */
  async load(name: string): Promise<PromptAudio> {
    if (!isPlainFileName(name)) {
      throw new PromptError('bad-name', `prompt ${JSON.stringify(name)}: not a plain file name`);
    }
    const path = join(this.dir, name);
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      throw this.ioError(name, err);
    }
    if (!info.isFile()) throw new PromptError('not-found', `prompt ${name}: not a file`);
    if (info.size > this.maxBytes) {
      throw new PromptError(
        'too-large',
        `prompt ${name}: ${info.size} bytes, larger than the ${this.maxBytes}-byte limit`,
      );
    }
    const cached = this.cache.get(name);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      return cached.prompt;
    }
    const prompt = this.read(name, path);
    this.cache.set(name, { mtimeMs: info.mtimeMs, size: info.size, prompt });
    // A failed load is not cached: the next call looks at the file again.
    prompt.catch(() => {
      if (this.cache.get(name)?.prompt === prompt) this.cache.delete(name);
    });
    return prompt;
  }

  private async read(name: string, path: string): Promise<PromptAudio> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw this.ioError(name, err);
    }
    const decoded = decodePrompt(name, bytes);
    if (!decoded.ok) throw new PromptError('bad-format', decoded.error);
    return decoded.prompt;
  }

  private ioError(name: string, err: unknown): PromptError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new PromptError('not-found', `prompt ${name}: no such file in ${this.dir}`);
    }
    const detail = code ?? (err instanceof Error ? err.message : String(err));
    return new PromptError('unreadable', `prompt ${name}: cannot read (${detail})`);
  }
}
