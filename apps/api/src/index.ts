export * from './config';
export * from './app.module';
export * from './create-api-app';
export * from './features';
export * from './openapi';
