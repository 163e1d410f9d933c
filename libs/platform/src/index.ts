export * from './config.js';
export * from './logger.js';
export * from './errors.js';
export * from './broker.js';
export * from './mongo.js';
export * from './actions.js';
export * from './service-runner.js';
export * from './principal.js';
