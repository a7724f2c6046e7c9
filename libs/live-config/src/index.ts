export * from './live-config';
export * from './live-config.module';
export { liveResources, isLiveResource, type LiveResource, type LiveRow } from './resources';
