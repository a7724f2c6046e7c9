import type { EmulatorPart } from '../context';

/** Microsoft Graph: presence, subscriptions, $batch, throttling. (Being built.) */
export const mountGraph: EmulatorPart = () => undefined;
