// WAV files for the specs, written by the `wavefile` library (an independent writer), and read
// back with it: the specs never check our reader against our own writer.
import { WaveFile } from 'wavefile';

type Fmt = Record<string, unknown>;

// KSDATAFORMAT_SUBTYPE_PCM as wavefile stores it (four little-endian 32-bit words); the first
// word is the format code (1 PCM, 6 A-law, 7 µ-law).
const subformat = (code: number): number[] => [code, 0x00100000, 0xaa000080, 0x719b3800];

export function pcm16Wav(samples: Int16Array, sampleRate = 8000): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', samples);
  return wav.toBuffer();
}

export function stereoPcm16Wav(left: Int16Array, right: Int16Array): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(2, 8000, '16', [left, right]);
  return wav.toBuffer();
}

/** A-law or µ-law file holding exactly `codes` (wavefile writes 8a/8m samples as given). */
export function g711Wav(law: 'alaw' | 'ulaw', codes: Uint8Array, sampleRate = 8000): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, law === 'alaw' ? '8a' : '8m', codes);
  return wav.toBuffer();
}

/** The same content with a WAVE_FORMAT_EXTENSIBLE fmt chunk (40 bytes, subformat GUID). */
export function extensibleWav(
  format: 'pcm16' | 'alaw' | 'ulaw',
  data: Int16Array | Uint8Array,
): Uint8Array {
  const wav = new WaveFile();
  const code = format === 'pcm16' ? 1 : format === 'alaw' ? 6 : 7;
  const depth = format === 'pcm16' ? '16' : format === 'alaw' ? '8a' : '8m';
  wav.fromScratch(1, 8000, depth, data);
  Object.assign(wav.fmt as Fmt, {
    chunkSize: 40,
    audioFormat: 0xfffe,
    cbSize: 22,
    validBitsPerSample: format === 'pcm16' ? 16 : 8,
    dwChannelMask: 4,
    subformat: subformat(code),
  });
  return wav.toBuffer();
}

export function otherDepthWav(bitDepth: '8' | '24' | '32f'): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(
    1,
    8000,
    bitDepth,
    bitDepth === '32f' ? new Float64Array(8) : new Array<number>(8).fill(0),
  );
  return wav.toBuffer();
}

export interface ReadBack {
  channels: number;
  sampleRate: number;
  bitDepth: string;
  left: Int16Array;
  right: Int16Array;
}

/** Reads a stereo 16-bit file with wavefile. */
export function readStereo(bytes: Uint8Array): ReadBack {
  const wav = new WaveFile(bytes);
  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  const [left, right] = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
  return {
    channels: fmt.numChannels,
    sampleRate: fmt.sampleRate,
    bitDepth: wav.bitDepth,
    left: left ?? new Int16Array(0),
    right: right ?? new Int16Array(0),
  };
}
