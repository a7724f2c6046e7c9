export * from './roles';
export * from './ttl-cache';
export * from './entra-token-validator';
export * from './credentials';
export * from './m365-clients';
export * from './connection-store';
export * from './delegated-tokens';
