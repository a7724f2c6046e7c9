import { CallRecorder, PromptLibrary, PromptPlayer } from '@ccx/media-files';
import { MediaEngine, type EngineOptions } from './engine';
import { createSrtpPair } from './srtp-pair';

export type MediaEngineOptions = Omit<EngineOptions, 'makeSrtp' | 'openPrompt' | 'openRecorder'> & {
  /** Directory of the WAV prompts `media.play` names. */
  promptDir: string;
};

/** The engine with its real parts: SRTP from @ccx/srtp, prompts and recording from @ccx/media-files. */
export function createMediaEngine(options: MediaEngineOptions): MediaEngine {
  const prompts = new PromptLibrary(options.promptDir);
  return new MediaEngine({
    ...options,
    makeSrtp: createSrtpPair,
    async openPrompt(name, law) {
      const prompt = await prompts.load(name);
      return { frames: new PromptPlayer(prompt, law), durationMs: prompt.durationMs };
    },
    openRecorder: (path, nowMs) => CallRecorder.start(path, nowMs),
  });
}
