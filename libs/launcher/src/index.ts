export * from './services.js';
export * from './service-process.js';
export * from './platform.js';
export * from './master-key-file.js';
export * from './platform-admin-file.js';
export * from './audit-keys.js';
export * from './simulator-process.js';
