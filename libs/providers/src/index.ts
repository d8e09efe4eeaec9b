export * from './port.js';
export * from './signatures.js';
