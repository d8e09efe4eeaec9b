export * from './envelope.js';
export * from './tenant-keyring.js';
