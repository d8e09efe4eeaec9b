export * from './database.js';
export * from './tenant-scope.js';
export { afterCommit } from './after-commit.js';
export * from './outbox-relay.js';
export * from './tenant-role.js';
export { Migration } from '@mikro-orm/migrations';
export { defineEntity, p, type InferEntity } from '@mikro-orm/core';
export * from './change-log.js';
export * from './pglite-template.js';
