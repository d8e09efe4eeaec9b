import type { AnyOperation } from '../operation.js';
import { ApiKeyOps } from './api-keys.js';
import { AuditOps } from './audit.js';
import { AuthFlowOps } from './auth-flows.js';
import { AuthOps } from './auth.js';
import { CustomerOps } from './customers.js';
import { InvoiceOps } from './invoices.js';
import { LedgerOps } from './ledgers.js';
import { DocumentOps } from './documents.js';
import { MfaOps } from './mfa.js';
import { NotificationOps } from './notifications.js';
import { PlatformOps } from './platform.js';
import { PlatformUserOps } from './platform-users.js';
import { PrivacyOps } from './privacy.js';
import { RecordOps } from './records.js';
import { SessionOps } from './sessions.js';
import { StaffOps } from './staff.js';
import { SubscriptionOps } from './subscriptions.js';
import { TenantKeyOps } from './tenant-keys.js';
import { TenantOps } from './tenants.js';

export * from './api-keys.js';
export * from './audit.js';
export * from './auth-flows.js';
export * from './auth.js';
export * from './customers.js';
export * from './invoices.js';
export * from './ledgers.js';
export * from './documents.js';
export * from './mfa.js';
export * from './notifications.js';
export * from './platform.js';
export * from './platform-users.js';
export * from './privacy.js';
export * from './records.js';
export * from './sessions.js';
export * from './staff.js';
export * from './subscriptions.js';
export * from './tenant-keys.js';
export * from './tenants.js';

/** Every declared request/reply operation, in every service. */
export const ALL_OPERATIONS: readonly AnyOperation[] = [
  PlatformOps,
  TenantKeyOps,
  CustomerOps,
  RecordOps,
  DocumentOps,
  AuditOps,
  NotificationOps,
  PrivacyOps,
  LedgerOps,
  InvoiceOps,
  SubscriptionOps,
  StaffOps,
  SessionOps,
  MfaOps,
  ApiKeyOps,
  TenantOps,
  AuthOps,
  AuthFlowOps,
  PlatformUserOps,
].flatMap((group) => Object.values(group) as AnyOperation[]);
