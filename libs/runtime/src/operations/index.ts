export * from './handles.js';
export * from './operation-registry.js';
export * from './operation-runner.js';
export * from './operations.module.js';
export * from './standard-handlers.js';
