export * from './roles';
export * from './ttl-cache';
export * from './entra-token-validator';
