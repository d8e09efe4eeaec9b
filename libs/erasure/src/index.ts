export * from './tenant-eraser.js';
export * from './platform-events.js';
export * from './erasure-worker.js';
export * from './erasure-module.js';
