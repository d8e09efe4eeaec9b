import type { AnyOperation } from '../operation.js';
import { CustomerOps } from './customers.js';
import { PlatformOps } from './platform.js';
import { StaffOps } from './staff.js';
import { TenantKeyOps } from './tenant-keys.js';

export * from './customers.js';
export * from './platform.js';
export * from './staff.js';
export * from './tenant-keys.js';

/** Every declared request/reply operation, in every service. */
export const ALL_OPERATIONS: readonly AnyOperation[] = [PlatformOps, TenantKeyOps, CustomerOps, StaffOps].flatMap(
  (group) => Object.values(group) as AnyOperation[],
);
