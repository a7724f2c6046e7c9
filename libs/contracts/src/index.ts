export * from './envelope';
export * from './events/catalogue';
export * from './events/call';
export * from './events/agent';
export * from './events/platform';
export * from './commands/catalogue';
