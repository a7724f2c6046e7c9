export * from './types';
export * from './options';
export { SipTransportLayer } from './transport-layer';
export {
  badRequestFor,
  formatBadRequest,
  sanitizeReason,
  scrapeRequestHeaders,
} from './bad-request';
export { certificateNames, nameMatches, stampTopVia } from './received';
