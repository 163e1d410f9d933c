export * from './errors.js';
export * from './fields.js';
export * from './schemas.js';
export * from './actions/index.js';
export * from './events.js';
export * from './schemas/management.js';
export * from './schemas/identity.js';
export * from './schemas/routing.js';
