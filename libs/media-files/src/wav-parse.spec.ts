import { describe, expect, it } from 'vitest';
import {
  extensibleWav,
  g711Wav,
  otherDepthWav,
  pcm16Wav,
  stereoPcm16Wav,
} from './testing/wav-fixtures';
import { parseWav } from './wav-parse';

const ramp = Int16Array.from({ length: 400 }, (_, i) => (i * 331 - 30000) | 0);
const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
const le16 = (pcm: Int16Array): Uint8Array =>
  new Uint8Array(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));

// Inserts a chunk right after the RIFF/WAVE header and fixes the RIFF size.
function withChunkFirst(wav: Uint8Array, id: string, body: Uint8Array): Uint8Array {
  const pad = body.length & 1;
  const out = Buffer.alloc(wav.length + 8 + body.length + pad);
  out.set(wav.subarray(0, 12));
  out.write(id, 12, 'latin1');
  out.writeUInt32LE(body.length, 16);
  out.set(body, 20);
  out.set(wav.subarray(12), 20 + body.length + pad);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

describe('parseWav on files written by wavefile', () => {
  it('reads 16-bit PCM and returns the data bytes as a view, without copying', () => {
    const file = pcm16Wav(ramp);
    const wav = parseWav(file);
    expect(wav).toMatchObject({ ok: true, format: 'pcm16', sampleRate: 8000, channels: 1 });
    if (!wav.ok) return;
    expect(wav.data).toEqual(le16(ramp));
    expect(wav.data.buffer).toBe(file.buffer);
  });

  it.each(['alaw', 'ulaw'] as const)('reads %s codes exactly', (law) => {
    const wav = parseWav(g711Wav(law, codes));
    expect(wav).toMatchObject({ ok: true, format: law, sampleRate: 8000, channels: 1 });
    if (wav.ok) expect(wav.data).toEqual(codes);
  });

  it.each([
    ['pcm16', ramp, le16(ramp)],
    ['alaw', codes, codes],
    ['ulaw', codes, codes],
  ] as const)('reads WAVE_FORMAT_EXTENSIBLE %s', (format, content, bytes) => {
    const file = extensibleWav(format, content);
    expect(Buffer.from(file).readUInt16LE(20)).toBe(0xfffe);
    const wav = parseWav(file);
    expect(wav).toMatchObject({ ok: true, format, sampleRate: 8000, channels: 1 });
    if (wav.ok) expect(wav.data).toEqual(bytes);
  });

  it('reports rate and channels as found (decodePrompt judges them)', () => {
    expect(parseWav(pcm16Wav(ramp, 44100))).toMatchObject({ ok: true, sampleRate: 44100 });
    expect(parseWav(stereoPcm16Wav(ramp, ramp))).toMatchObject({ ok: true, channels: 2 });
  });

  it('skips unknown chunks, including an odd-sized one with its pad byte', () => {
    const file = withChunkFirst(g711Wav('alaw', codes), 'junk', new Uint8Array(5).fill(0xee));
    const wav = parseWav(file);
    expect(wav.ok && wav.data).toEqual(codes);
  });

  it('ignores a cue chunk claiming 50 million cue points (wavefile runs out of heap on it)', () => {
    const cue = new Uint8Array(4);
    new DataView(cue.buffer).setUint32(0, 50_000_000, true);
    const wav = parseWav(withChunkFirst(pcm16Wav(ramp), 'cue ', cue));
    expect(wav.ok && wav.data.length).toBe(800);
  });
});

describe('parseWav rejections (one line each, never a throw)', () => {
  const file = pcm16Wav(ramp);
  it.each([
    ['0 bytes', new Uint8Array(0), 'empty file'],
    [
      'garbage',
      new TextEncoder().encode('this is not audio at all, just text'),
      'not a WAV file (no RIFF/WAVE header)',
    ],
    ['a header only', file.subarray(0, 12), 'no fmt chunk'],
    ['truncated inside fmt', file.subarray(0, 30), 'truncated: fmt chunk of 16 bytes, 10 present'],
    ['fmt but no data', file.subarray(0, 36), 'no data chunk'],
    ['truncated data', file.subarray(0, 500), 'truncated: data chunk of 800 bytes, 456 present'],
    [
      '8-bit PCM',
      otherDepthWav('8'),
      'unsupported encoding: PCM 8-bit (need 16-bit PCM, A-law or µ-law)',
    ],
    [
      '24-bit PCM',
      otherDepthWav('24'),
      'unsupported encoding: PCM 24-bit (need 16-bit PCM, A-law or µ-law)',
    ],
    [
      'float',
      otherDepthWav('32f'),
      'unsupported encoding: format 0x0003 (IEEE float) (need 16-bit PCM, A-law or µ-law)',
    ],
  ])('%s', (_, bytes, error) => {
    expect(parseWav(bytes)).toEqual({ ok: false, error });
  });

  it('rejects RIFX and RF64 containers by name', () => {
    const rifx = Buffer.from(file);
    rifx.write('RIFX', 0, 'latin1');
    expect(parseWav(rifx)).toEqual({ ok: false, error: 'RIFX container not supported, need RIFF' });
    const rf64 = Buffer.from(file);
    rf64.write('RF64', 0, 'latin1');
    expect(parseWav(rf64)).toEqual({ ok: false, error: 'RF64 container not supported, need RIFF' });
  });

  it('rejects an odd number of PCM16 data bytes', () => {
    const odd = Buffer.from(file);
    odd.writeUInt32LE(799, 40);
    expect(parseWav(odd)).toEqual({
      ok: false,
      error: 'data of 799 bytes is not whole 2-byte frames',
    });
  });

  it('rejects an extensible file with a foreign subformat GUID', () => {
    const foreign = Buffer.from(extensibleWav('pcm16', ramp));
    foreign[47] = 0x12; // last byte of the GUID
    expect(parseWav(foreign)).toEqual({
      ok: false,
      error: 'WAVE_FORMAT_EXTENSIBLE with an unknown subformat GUID',
    });
  });

  it('survives every truncation and random corruption of a file', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
    for (let n = 0; n <= file.length; n++)
      expect(typeof parseWav(file.subarray(0, n)).ok).toBe('boolean');
    for (let round = 0; round < 5000; round++) {
      const bad = Buffer.from(file);
      for (let k = 0; k < 4; k++) bad[Math.floor(random() * 48)] = Math.floor(random() * 256);
      const wav = parseWav(bad);
      if (wav.ok) {
        expect(wav.data.byteOffset - bad.byteOffset + wav.data.length).toBeLessThanOrEqual(
          bad.length,
        );
      }
    }
  });
});
