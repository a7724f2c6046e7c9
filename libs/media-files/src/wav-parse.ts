// WAV (RIFF/WAVE) reader for prompts: finds the fmt and data chunks and returns the data as a view
// of the input, without copying.
//
// Hand-written rather than the installed `wavefile` (which the tests use as the independent
// writer): wavefile's reader copies the whole data chunk (`buffer.slice`), does not expose the data
// offset when asked not to copy, accepts a data chunk that runs past the end of the file
// (silently returns fewer bytes), and trusts count fields in other chunks: a 12-byte `cue ` chunk
// claiming 50 M cue points made it allocate until Node ran out of heap (tried with 11.0.0). This
// walk is bounded by the file length, allocates nothing but the result, and never throws.

export type WavFormat = 'pcm16' | 'alaw' | 'ulaw';

export type WavParse =
  | { ok: true; format: WavFormat; sampleRate: number; channels: number; data: Uint8Array }
  | { ok: false; error: string };

type Fmt = { format: WavFormat; sampleRate: number; channels: number; blockAlign: number };

const tag = (s: string): number =>
  (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>>
  0;
const RIFF = tag('RIFF');
const RIFX = tag('RIFX');
const RF64 = tag('RF64');
const WAVE = tag('WAVE');
const FMT = tag('fmt ');
const DATA = tag('data');

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_ULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = {
  2: 'MS ADPCM',
  3: 'IEEE float',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x55: 'MP3',
};
// KSDATAFORMAT_SUBTYPE_xxx = {0000xxxx-0000-0010-8000-00aa00389b71}: the format code sits in the
// first two bytes of the GUID as stored; the other 14 bytes are fixed.
const SUBFORMAT_TAIL = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

export function parseWav(bytes: Uint8Array): WavParse {
  if (bytes.length === 0) return fail('empty file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const container = bytes.length >= 4 ? view.getUint32(0, true) : 0;
  if (container === RIFX || container === RF64) {
    return fail(`${container === RIFX ? 'RIFX' : 'RF64'} container not supported, need RIFF`);
  }
  if (bytes.length < 12 || container !== RIFF || view.getUint32(8, true) !== WAVE) {
    return fail('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: Fmt | undefined;
  let data: Uint8Array | undefined;
  // The RIFF size field is ignored: writers that never patched it leave 0 or 0xffffffff there.
  let offset = 12;
  while (offset + 8 <= bytes.length && !(fmt && data)) {
    const id = view.getUint32(offset, true);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    const available = bytes.length - start;
    if (id === FMT) {
      if (size > available)
        return fail(`truncated: fmt chunk of ${size} bytes, ${available} present`);
      const parsed = readFmt(view, start, size);
      if (typeof parsed === 'string') return fail(parsed);
      fmt = parsed;
    } else if (id === DATA) {
      if (size > available) {
        return fail(`truncated: data chunk of ${size} bytes, ${available} present`);
      }
      data = new Uint8Array(bytes.buffer, bytes.byteOffset + start, size); // a plain view, even of a Buffer
    }
    offset = start + size + (size & 1); // chunks are padded to an even length
  }
  if (!fmt) return fail('no fmt chunk');
  if (!data) return fail('no data chunk');
  if (data.length % fmt.blockAlign !== 0) {
    return fail(`data of ${data.length} bytes is not whole ${fmt.blockAlign}-byte frames`);
  }
  const { format, sampleRate, channels } = fmt;
  return { ok: true, format, sampleRate, channels, data };
}

function readFmt(view: DataView, start: number, size: number): Fmt | string {
  if (size < 16) return `fmt chunk of ${size} bytes, need at least 16`;
  let code = view.getUint16(start, true);
  const channels = view.getUint16(start + 2, true);
  const sampleRate = view.getUint32(start + 4, true);
  const blockAlign = view.getUint16(start + 12, true);
  const bits = view.getUint16(start + 14, true);
  if (code === FORMAT_EXTENSIBLE) {
    if (size < 40 || view.getUint16(start + 16, true) < 22) {
      return 'WAVE_FORMAT_EXTENSIBLE fmt chunk too short';
    }
    for (let i = 0; i < SUBFORMAT_TAIL.length; i++) {
      if (view.getUint8(start + 26 + i) !== SUBFORMAT_TAIL[i]) {
        return 'WAVE_FORMAT_EXTENSIBLE with an unknown subformat GUID';
      }
    }
    const validBits = view.getUint16(start + 18, true);
    if (validBits !== 0 && validBits !== bits) {
      return `unsupported encoding: ${validBits} valid bits in ${bits}-bit samples`;
    }
    code = view.getUint16(start + 24, true);
  }
  const format = formatOf(code, bits);
  if (!format) return `unsupported encoding: ${describe(code, bits)}`;
  if (channels === 0) return 'fmt chunk says 0 channels';
  if (sampleRate === 0) return 'fmt chunk says 0 Hz';
  const expectedAlign = channels * (bits / 8);
  if (blockAlign !== expectedAlign) {
    return `fmt chunk block align ${blockAlign}, expected ${expectedAlign}`;
  }
  return { format, sampleRate, channels, blockAlign };
}

function formatOf(code: number, bits: number): WavFormat | undefined {
  if (code === FORMAT_PCM && bits === 16) return 'pcm16';
  if (code === FORMAT_ALAW && bits === 8) return 'alaw';
  if (code === FORMAT_ULAW && bits === 8) return 'ulaw';
  return undefined;
}

function describe(code: number, bits: number): string {
  if (code === FORMAT_PCM) return `PCM ${bits}-bit (need 16-bit PCM, A-law or µ-law)`;
  if (code === FORMAT_ALAW || code === FORMAT_ULAW) {
    return `${code === FORMAT_ALAW ? 'A-law' : 'µ-law'} with ${bits}-bit samples (need 8)`;
  }
  const name = FORMAT_NAMES[code];
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  return `format ${hex}${name ? ` (${name})` : ''} (need 16-bit PCM, A-law or µ-law)`;
}
