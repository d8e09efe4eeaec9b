export * from './config.js';
export * from './probe.js';
export * from './publisher.js';
export * from './topic-follower.js';
