import type { Router } from 'express';
import type { EmulatorClock } from './clock';
import type { Directory } from './directory';
import type { TokenSigner } from './tokens';

/** What every part of the emulator shares: its clock, directory, token signer and own address. */
export interface EmulatorContext {
  clock: EmulatorClock;
  directory: Directory;
  signer: TokenSigner;
  /** https://<host>:<port>, the base of every URL the emulator hands out (authority, Graph). */
  baseUrl: string;
}

/**
 * A part of the emulator (Entra ID, Graph) mounts its routes on the shared router; it may return
 * a teardown (timers, outbound connections) that the emulator's close() runs.
 */
export type EmulatorPart = (router: Router, ctx: EmulatorContext) => void | (() => Promise<void>);
