export * from './tenancy';
export * from './webhooks';
