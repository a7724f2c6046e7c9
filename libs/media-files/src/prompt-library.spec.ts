import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptError, PromptLibrary } from './prompt-library';
import { g711Wav, pcm16Wav } from './testing/wav-fixtures';

let root: string;
let dir: string;
let library: PromptLibrary;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccx-prompts-'));
  dir = join(root, 'prompts');
  await mkdir(dir);
  // A real file one level up, so '../x.wav' would find something if it were followed.
  await writeFile(join(root, 'x.wav'), pcm16Wav(new Int16Array(8)));
  library = new PromptLibrary(dir, { maxBytes: 100_000 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function rejection(name: string): Promise<PromptError> {
  const err: unknown = await library.load(name).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PromptError);
  return err as PromptError;
}

describe('PromptLibrary', () => {
  it('loads and decodes a prompt by file name', async () => {
    await writeFile(join(dir, 'welcome.wav'), g711Wav('alaw', new Uint8Array(800).fill(0x2a)));
    const prompt = await library.load('welcome.wav');
    expect(prompt).toMatchObject({ name: 'welcome.wav', durationMs: 100 });
  });

  it.each(['../x.wav', '..', 'sub/x.wav', '/etc/passwd', 'a\\b.wav', '', 'x\0.wav'])(
    'refuses %j, which is not a plain file name',
    async (name) => {
      const err = await rejection(name);
      expect(err.code).toBe('bad-name');
      expect(err.message).toBe(`prompt ${JSON.stringify(name)}: not a plain file name`);
    },
  );

  it('caches by name and modification time, and reloads a changed file', async () => {
    const path = join(dir, 'menu.wav');
    await writeFile(path, pcm16Wav(new Int16Array(160).fill(100)));
    const first = await library.load('menu.wav');
    expect(await library.load('menu.wav')).toBe(first);
    await writeFile(path, pcm16Wav(new Int16Array(160).fill(-100)));
    const later = new Date(Date.now() + 5000);
    await utimes(path, later, later);
    const second = await library.load('menu.wav');
    expect(second).not.toBe(first);
    expect(second.pcm[0]).toBe(-100);
  });

  it('names the prompt in each error', async () => {
    expect((await rejection('missing.wav')).message).toBe(
      `prompt missing.wav: no such file in ${dir}`,
    );
    await writeFile(join(dir, 'cd.wav'), pcm16Wav(new Int16Array(441), 44100));
    expect(await rejection('cd.wav')).toMatchObject({
      code: 'bad-format',
      message: 'prompt cd.wav: 44100 Hz, need 8000 Hz',
    });
    await writeFile(join(dir, 'huge.wav'), new Uint8Array(100_001));
    expect((await rejection('huge.wav')).message).toBe(
      'prompt huge.wav: 100001 bytes, larger than the 100000-byte limit',
    );
  });

  it('loads a file fixed after a failed load', async () => {
    const path = join(dir, 'fixed.wav');
    await writeFile(path, 'garbage');
    expect((await rejection('fixed.wav')).message).toBe(
      'prompt fixed.wav: not a WAV file (no RIFF/WAVE header)',
    );
    await writeFile(path, pcm16Wav(new Int16Array(80)));
    const later = new Date(Date.now() + 10_000);
    await utimes(path, later, later);
    expect((await library.load('fixed.wav')).durationMs).toBe(10);
  });
});
