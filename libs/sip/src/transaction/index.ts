export * from './types';
export { responseTarget } from './keys';
export { TransactionLayer, type TransactionLayerOptions, type TransactionStats } from './layer';
