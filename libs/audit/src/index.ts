export * from './audit-recorder.js';
export * from './outbox.js';
export * from './outbox-relay.js';
export * from './direct-publisher.js';
