export * from './tenant-access.js';
