import {
  ALAW_TO_ULAW,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  ULAW_TO_ALAW,
} from '@ccx/g711';
import { describe, expect, it } from 'vitest';
import { decodePrompt, type PromptAudio } from './prompt';
import { PromptPlayer } from './prompt-player';
import { extensibleWav, g711Wav, pcm16Wav, stereoPcm16Wav } from './testing/wav-fixtures';

const tone = Int16Array.from({ length: 1000 }, (_, i) =>
  Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
);
const allCodes = Uint8Array.from({ length: 256 }, (_, i) => i);

function prompt(bytes: Uint8Array, name = 'p.wav'): PromptAudio {
  const decoded = decodePrompt(name, bytes);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.prompt;
}

function playAll(
  audio: PromptAudio,
  law: 'alaw' | 'ulaw',
): { frames: Uint8Array[]; player: PromptPlayer } {
  const player = new PromptPlayer(audio, law);
  const frames: Uint8Array[] = [];
  const out = new Uint8Array(160).fill(0x55);
  while (player.nextFrame(out)) frames.push(out.slice());
  return { frames, player };
}

const joined = (frames: Uint8Array[]): Uint8Array => Uint8Array.from(frames.flatMap((f) => [...f]));

describe('decodePrompt', () => {
  it('decodes 8 kHz mono PCM16, A-law, µ-law and extensible files', () => {
    expect(prompt(pcm16Wav(tone)).pcm).toEqual(tone);
    expect(prompt(g711Wav('alaw', allCodes)).pcm).toEqual(decodeAlaw(allCodes));
    expect(prompt(g711Wav('ulaw', allCodes)).pcm).toEqual(decodeUlaw(allCodes));
    expect(prompt(extensibleWav('pcm16', tone)).pcm).toEqual(tone);
    expect(prompt(extensibleWav('ulaw', allCodes)).g711).toEqual({ law: 'ulaw', codes: allCodes });
    expect(prompt(pcm16Wav(tone), 'hello.wav')).toMatchObject({
      name: 'hello.wav',
      durationMs: 125,
    });
  });

  it.each([
    ['44.1 kHz', pcm16Wav(tone, 44100), 'prompt x.wav: 44100 Hz, need 8000 Hz'],
    ['16 kHz A-law', g711Wav('alaw', allCodes, 16000), 'prompt x.wav: 16000 Hz, need 8000 Hz'],
    ['stereo', stereoPcm16Wav(tone, tone), 'prompt x.wav: 2 channels, need mono'],
    ['no audio', pcm16Wav(new Int16Array(0)), 'prompt x.wav: no audio (empty data chunk)'],
    ['0 bytes', new Uint8Array(0), 'prompt x.wav: empty file'],
    [
      'truncated',
      pcm16Wav(tone).subarray(0, 1000),
      'prompt x.wav: truncated: data chunk of 2000 bytes, 956 present',
    ],
  ])('rejects %s with one clear line', (_, bytes, error) => {
    expect(decodePrompt('x.wav', bytes)).toEqual({ ok: false, error });
  });
});

describe('PromptPlayer', () => {
  it('plays 1000 samples as 7 frames, the last padded with the law silence code', () => {
    for (const [law, silence] of [
      ['alaw', 0xd5],
      ['ulaw', 0xff],
    ] as const) {
      const { frames, player } = playAll(prompt(pcm16Wav(tone)), law);
      expect(frames).toHaveLength(7);
      expect([...frames[6]!.subarray(40)]).toEqual(new Array(120).fill(silence));
      expect(player.done).toBe(true);
      expect(player.playedMs).toBe(125);
      expect(player.nextFrame(new Uint8Array(160))).toBe(false);
    }
  });

  it('encodes a PCM prompt to the leg law bit-exactly (G.191 via @ccx/g711)', () => {
    const audio = prompt(pcm16Wav(tone));
    expect(joined(playAll(audio, 'alaw').frames).subarray(0, 1000)).toEqual(encodeAlaw(tone));
    expect(joined(playAll(audio, 'ulaw').frames).subarray(0, 1000)).toEqual(encodeUlaw(tone));
  });

  it('plays a µ-law prompt into an A-law leg with the direct G.711 table, not decode + re-encode', () => {
    const played = joined(playAll(prompt(g711Wav('ulaw', allCodes)), 'alaw').frames).subarray(
      0,
      256,
    );
    const direct = allCodes.map((c) => ULAW_TO_ALAW[c]!);
    const reencoded = encodeAlaw(decodeUlaw(allCodes));
    expect(played).toEqual(direct);
    expect(played.filter((c, i) => c !== reencoded[i]).length).toBe(44); // the two really differ
  });

  it('plays an A-law prompt into a µ-law leg with the direct table', () => {
    const played = joined(playAll(prompt(g711Wav('alaw', allCodes)), 'ulaw').frames).subarray(
      0,
      256,
    );
    expect(played).toEqual(allCodes.map((c) => ALAW_TO_ULAW[c]!));
  });

  it('sends a G.711 prompt into a leg of the same law byte for byte (µ-law 0x7f included)', () => {
    for (const law of ['alaw', 'ulaw'] as const) {
      const played = joined(playAll(prompt(g711Wav(law, allCodes)), law).frames);
      expect(played.subarray(0, 256)).toEqual(allCodes);
    }
  });

  it('reports progress frame by frame', () => {
    const player = new PromptPlayer(prompt(pcm16Wav(tone)), 'alaw');
    const out = new Uint8Array(160);
    expect([player.playedMs, player.done]).toEqual([0, false]);
    player.nextFrame(out);
    player.nextFrame(out);
    expect([player.playedMs, player.done]).toEqual([40, false]);
  });
});
