// The media worker's relay: sessions of two legs over real UDP sockets (see docs/media-worker.md).
export { CapacityError, MediaEngine, SessionNotFoundError, type EngineOptions } from './engine';
export {
  NegotiationError,
  SUPPORTED_SUITES,
  type OfferOptions,
  type Profile,
  type SrtpFactory,
  type SrtpSuite,
} from './negotiation';
export { PortsExhaustedError, type IoKind } from './io';
export { BatchIo, loadUdpBatch } from './io/batch-io';
export type { PromptFrames, Recorder } from './session';
export type { LegStats } from './stats';
export type { LegName, Law, RelayListener, SessionRef, SrtpPair } from './types';
export { MediaWorkerDirectory, type WorkerStatus } from './worker-directory';
export { RequestCache } from './request-cache';
export { createSrtpPair } from './srtp-pair';
export { createMediaEngine, type MediaEngineOptions } from './create-engine';
export {
  refreshDirectory,
  removeWorkerStatus,
  storeWorkerStatus,
  workerStatusKey,
} from './worker-status-store';
