export * from './test-database.js';
export * from './test-platform.js';
export * from './shared-platform.js';
export * from './http.js';
export * from './audit-topic.js';
export { freePort, freePorts } from '@lekha/local-kafka';
export * from './sample-documents.js';
export * from './provider-simulator.js';
