// The Microsoft 365 emulator: Entra ID (login) and Microsoft Graph (presence, subscriptions,
// $batch, throttling) over HTTPS with a throw-away test CA, for the real @azure/msal-node and
// @microsoft/microsoft-graph-client. See docs/graph-emulator.md for what it reproduces and the
// Microsoft page behind each behaviour.
//
//   const m365 = await startGraphEmulator();
//   const contoso = m365.directory.addTenant('contoso.example');
//   ... MSAL with authority `${m365.url}/${contoso.id}`, knownAuthorities [m365.host],
//   ... Graph client with baseUrl m365.graphBaseUrl, customHosts [m365.host], CA m365.caPem
export { startGraphEmulator, type GraphEmulator } from './server';
export { EmulatorClock } from './clock';
export { Directory, type EmulatedApp, type EmulatedTenant, type EmulatedUser } from './directory';
export { TokenSigner, type EmulatedClaims } from './tokens';
export type { EmulatorContext, EmulatorPart } from './context';
