export * from './infra.js';
export * from './system.js';
export * from './net.js';
export * from './supervisor.js';
export * from './paths.js';
export * from './binaries.js';
export * from './api-client.js';
export * from './http1.js';
export { percentile } from './bench/types.js';
