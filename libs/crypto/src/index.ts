export * from './envelope.js';
export * from './tenant-keyring.js';
export * from './field-cipher.js';
export * from './ecies.js';
