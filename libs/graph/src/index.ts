export * from './http';
export * from './graph-client';
