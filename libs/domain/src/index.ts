export * from './identifiers.js';
export * from './credentials.js';
export * from './catalogue.js';
export * from './permissions.js';
export * from './batch-channels.js';
export * from './person-scope.js';
export * from './names.js';
