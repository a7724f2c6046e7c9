import type { EmulatorPart } from '../context';

/** Entra ID: discovery, JWKS, authorize, token. (Being built.) */
export const mountEntra: EmulatorPart = () => undefined;
