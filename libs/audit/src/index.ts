export * from './audit-recorder.js';
export * from './outbox.js';
export * from './outbox-relay.js';
export * from './direct-publisher.js';
export * from './signing.js';
export * from './chain.js';
export * from './verifier.js';
export * from './topic-reader.js';
