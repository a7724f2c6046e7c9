// A prompt decoded from a WAV file: 8 kHz mono samples, plus the file's own G.711 codes when it
// held G.711, so playback into a leg of the same law sends the file's bytes unchanged and the
// other law goes through the direct G.711 table (never decode + re-encode).
import { decodeInto, type Law } from './law';
import { parseWav } from './wav-parse';

export const PROMPT_SAMPLE_RATE = 8000;

export interface PromptAudio {
  name: string;
  /** 8 kHz mono samples. */
  pcm: Int16Array;
  durationMs: number;
  /** The file's G.711 codes, when the file was A-law or µ-law (same length as `pcm`). */
  g711?: { law: Law; codes: Uint8Array };
}

export type PromptDecode = { ok: true; prompt: PromptAudio } | { ok: false; error: string };

/** Decodes a prompt file; errors are one line starting with `prompt <name>:`. */
export function decodePrompt(name: string, bytes: Uint8Array): PromptDecode {
  const fail = (why: string): PromptDecode => ({ ok: false, error: `prompt ${name}: ${why}` });
  const wav = parseWav(bytes);
  if (!wav.ok) return fail(wav.error);
  if (wav.sampleRate !== PROMPT_SAMPLE_RATE) {
    return fail(`${wav.sampleRate} Hz, need ${PROMPT_SAMPLE_RATE} Hz`);
  }
  if (wav.channels !== 1) return fail(`${wav.channels} channels, need mono`);
  if (wav.data.length === 0) return fail('no audio (empty data chunk)');
  let pcm: Int16Array;
  let g711: PromptAudio['g711'];
  if (wav.format === 'pcm16') {
    pcm = new Int16Array(wav.data.length >> 1);
    const view = new DataView(wav.data.buffer, wav.data.byteOffset, wav.data.byteLength);
    for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true);
  } else {
    const codes = wav.data.slice(); // own copy: the caller's buffer may be reused
    pcm = decodeInto(wav.format, codes, new Int16Array(codes.length));
    g711 = { law: wav.format, codes };
  }
  const durationMs = (pcm.length * 1000) / PROMPT_SAMPLE_RATE;
  return { ok: true, prompt: g711 ? { name, pcm, durationMs, g711 } : { name, pcm, durationMs } };
}
