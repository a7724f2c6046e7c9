// Prompts and call recording for the media worker's relay (see docs/media-files.md).
export {
  CallRecorder,
  RecordingError,
  type CallRecorderOptions,
  type RecordingStats,
} from './call-recorder';
export { SILENCE_CODE, type Law } from './law';
export { decodePrompt, PROMPT_SAMPLE_RATE, type PromptAudio, type PromptDecode } from './prompt';
export {
  isPlainFileName,
  PromptError,
  PromptLibrary,
  type PromptErrorCode,
  type PromptLibraryOptions,
} from './prompt-library';
export { FRAME_SAMPLES, PromptPlayer } from './prompt-player';
export { parseWav, type WavFormat, type WavParse } from './wav-parse';
