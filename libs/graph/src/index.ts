export * from './http';
export * from './graph-client';
export * from './graph-call';
export * from './throttle';
export * from './presence-types';
export * from './presence-api';
export * from './jwks';
export * from './notifications';
