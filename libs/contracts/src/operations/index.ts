import type { AnyOperation } from '../operation.js';
import { ApiKeyOps } from './api-keys.js';
import { AuditOps } from './audit.js';
import { AuthFlowOps } from './auth-flows.js';
import { AuthOps } from './auth.js';
import { CustomerOps } from './customers.js';
import { InvoiceOps } from './invoices.js';
import { CustomerInvoiceOps } from './customer-invoices.js';
import { LedgerOps } from './ledgers.js';
import { PaymentOps } from './payments.js';
import { DocumentOps } from './documents.js';
import { MfaOps } from './mfa.js';
import { NotificationOps } from './notifications.js';
import { PlatformOps } from './platform.js';
import { PlatformUserOps } from './platform-users.js';
import { PrivacyOps } from './privacy.js';
import { PrivacyNoticeOps, RightsDeclarationOps } from './privacy-notices.js';
import { RightsOps } from './rights.js';
import { PublicRightsOps } from './rights-public.js';
import { RecordOps } from './records.js';
import { IncidentOps, LegalRequestOps } from './registers.js';
import { RetentionOps } from './retention.js';
import { SessionOps } from './sessions.js';
import { StaffOps } from './staff.js';
import { SupportOps } from './support.js';
import { SubscriptionOps } from './subscriptions.js';
import { TenantKeyOps } from './tenant-keys.js';
import { TenantOps } from './tenants.js';

export * from './api-keys.js';
export * from './audit.js';
export * from './auth-flows.js';
export * from './auth.js';
export * from './customers.js';
export * from './invoices.js';
export * from './customer-invoices.js';
export * from './ledgers.js';
export * from './payments.js';
export * from './documents.js';
export * from './mfa.js';
export * from './notifications.js';
export * from './platform.js';
export * from './platform-users.js';
export * from './privacy.js';
export * from './privacy-notices.js';
export * from './rights.js';
export * from './rights-public.js';
export * from './records.js';
export * from './registers.js';
export * from './retention.js';
export * from './sessions.js';
export * from './staff.js';
export * from './support.js';
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
  PrivacyNoticeOps,
  RightsDeclarationOps,
  LegalRequestOps,
  IncidentOps,
  RetentionOps,
  RightsOps,
  PublicRightsOps,
  LedgerOps,
  InvoiceOps,
  CustomerInvoiceOps,
  PaymentOps,
  SubscriptionOps,
  StaffOps,
  SessionOps,
  MfaOps,
  ApiKeyOps,
  TenantOps,
  AuthOps,
  AuthFlowOps,
  PlatformUserOps,
  SupportOps,
].flatMap((group) => Object.values(group) as AnyOperation[]);
