import { DomainError, assertUnreachable, type ErrorCode } from './errors.js';

/*
 * Why a request failed, per feature: a client tells "TOTP already on" from "record type exists"
 * by `error.reason` without reading the message. Each reason maps onto exactly one wire code (and
 * so one HTTP status) in `wireCodeOf` — an unmapped reason fails the type check.
 */

/** The operation runner's own refusals, before any use case runs (the same for every operation). */
export enum AccessError {
  /** The operation needs a signed-in caller. */
  SignInRequired = 'ACCESS_SIGN_IN_REQUIRED',
  /** The caller's role (or API key scopes) lacks the operation's permission; the message names it. */
  PermissionMissing = 'ACCESS_PERMISSION_MISSING',
  /** Only a signed-in person may do this, never an API key (keys managing keys, key rotation, …). */
  PersonOnly = 'ACCESS_PERSON_ONLY',
  /** The operation works on a tenant's data and the caller is signed in to none. */
  TenantRequired = 'ACCESS_TENANT_REQUIRED',
}

export enum AuthError {
  InvalidCredentials = 'AUTH_INVALID_CREDENTIALS',
  /** Sign-in, code or send attempts over budget (per account, per address, per tenant): never says which. */
  TooManyAttempts = 'AUTH_TOO_MANY_ATTEMPTS',
  /** Unknown, expired, revoked or replayed: on purpose the caller is told no more. */
  RefreshInvalid = 'AUTH_REFRESH_INVALID',
  AccessTokenInvalid = 'AUTH_ACCESS_TOKEN_INVALID',
  CodeInvalid = 'AUTH_CODE_INVALID',
  ResetTokenInvalid = 'AUTH_RESET_TOKEN_INVALID',
  ApiKeyHasNoSession = 'AUTH_API_KEY_HAS_NO_SESSION',
  UserNotFound = 'AUTH_USER_NOT_FOUND',
  AgeConfirmationRequired = 'AUTH_AGE_CONFIRMATION_REQUIRED',
  GstinStateMismatch = 'AUTH_GSTIN_STATE_MISMATCH',
  PasswordRejected = 'AUTH_PASSWORD_REJECTED',
}

export enum MfaError {
  AlreadyOn = 'MFA_ALREADY_ON',
  NotOn = 'MFA_NOT_ON',
  NotPending = 'MFA_NOT_PENDING',
  CodeInvalid = 'MFA_CODE_INVALID',
  ChallengeInvalid = 'MFA_CHALLENGE_INVALID',
  PersonOnly = 'MFA_PERSON_ONLY',
}

export enum SessionError {
  NotFound = 'SESSION_NOT_FOUND',
}

export enum StaffError {
  UserNotFound = 'STAFF_USER_NOT_FOUND',
  InvitationNotFound = 'STAFF_INVITATION_NOT_FOUND',
  InvitationAccepted = 'STAFF_INVITATION_ACCEPTED',
  InvitationInvalid = 'STAFF_INVITATION_INVALID',
  TooManyInvitations = 'STAFF_TOO_MANY_INVITATIONS',
  AgeConfirmationRequired = 'STAFF_AGE_CONFIRMATION_REQUIRED',
  AccountExists = 'STAFF_ACCOUNT_EXISTS',
  SelfChange = 'STAFF_SELF_CHANGE',
  OwnerOnly = 'STAFF_OWNER_ONLY',
  OwnerUnchangeable = 'STAFF_OWNER_UNCHANGEABLE',
}

export enum ApiKeyError {
  NotFound = 'API_KEY_NOT_FOUND',
  Invalid = 'API_KEY_INVALID',
  ScopeNotAllowed = 'API_KEY_SCOPE_NOT_ALLOWED',
  ScopeUnknown = 'API_KEY_SCOPE_UNKNOWN',
}

export enum PlatformUserError {
  NotFound = 'PLATFORM_USER_NOT_FOUND',
  Exists = 'PLATFORM_USER_EXISTS',
  SelfReset = 'PLATFORM_USER_SELF_RESET',
  SelfDeactivate = 'PLATFORM_USER_SELF_DEACTIVATE',
  MfaEnrolmentRequired = 'PLATFORM_USER_MFA_ENROLMENT_REQUIRED',
}

export enum TenantError {
  EraseIdMismatch = 'TENANT_ERASE_ID_MISMATCH',
  ErasureNotAsked = 'TENANT_ERASURE_NOT_ASKED',
  Erased = 'TENANT_ERASED',
  NoKeys = 'TENANT_NO_KEYS',
  TransitKeyNotAllowed = 'TENANT_TRANSIT_KEY_NOT_ALLOWED',
  /** The tenant is cancelled: reads and exports only until it is reactivated or purged. */
  ReadOnly = 'TENANT_READ_ONLY',
}

export enum RetentionError {
  NotCancelled = 'RETENTION_NOT_CANCELLED',
  AlreadyCancelled = 'RETENTION_ALREADY_CANCELLED',
  PurgeStarted = 'RETENTION_PURGE_STARTED',
  HoldNotFound = 'RETENTION_HOLD_NOT_FOUND',
  HoldLifted = 'RETENTION_HOLD_LIFTED',
  RunNotFound = 'RETENTION_RUN_NOT_FOUND',
  CertificateNotReady = 'RETENTION_CERTIFICATE_NOT_READY',
  CustomerDataDaysTooLong = 'RETENTION_CUSTOMER_DATA_DAYS_TOO_LONG',
}

export enum CustomerError {
  NotFound = 'CUSTOMER_NOT_FOUND',
  ContactTaken = 'CUSTOMER_CONTACT_TAKEN',
  ImportRejected = 'CUSTOMER_IMPORT_REJECTED',
  ImportExpired = 'CUSTOMER_IMPORT_EXPIRED',
  ImportEmpty = 'CUSTOMER_IMPORT_EMPTY',
  ImportNotText = 'CUSTOMER_IMPORT_NOT_TEXT',
  ImportNotCsv = 'CUSTOMER_IMPORT_NOT_CSV',
  ImportTooLarge = 'CUSTOMER_IMPORT_TOO_LARGE',
  /** A legal hold stands on the customer (or the whole tenant): their data may not be erased. */
  LegalHold = 'CUSTOMER_LEGAL_HOLD',
}

export enum RecordError {
  NotFound = 'RECORD_NOT_FOUND',
  TypeNotFound = 'RECORD_TYPE_NOT_FOUND',
  TypeExists = 'RECORD_TYPE_EXISTS',
  DataInvalid = 'RECORD_DATA_INVALID',
  FieldOncePersonal = 'RECORD_FIELD_ONCE_PERSONAL',
  ReassignNotAllowed = 'RECORD_REASSIGN_NOT_ALLOWED',
  AssignOthersNotAllowed = 'RECORD_ASSIGN_OTHERS_NOT_ALLOWED',
  AssigneeGivenTwice = 'RECORD_ASSIGNEE_GIVEN_TWICE',
  ReportFieldInvalid = 'RECORD_REPORT_FIELD_INVALID',
}

export enum DocumentError {
  NotFound = 'DOCUMENT_NOT_FOUND',
  UploadNotFound = 'DOCUMENT_UPLOAD_NOT_FOUND',
  KindNotAllowed = 'DOCUMENT_KIND_NOT_ALLOWED',
  ChunkOutOfOrder = 'DOCUMENT_CHUNK_OUT_OF_ORDER',
  ChunkInvalid = 'DOCUMENT_CHUNK_INVALID',
  ChunkOutOfRange = 'DOCUMENT_CHUNK_OUT_OF_RANGE',
  UploadIncomplete = 'DOCUMENT_UPLOAD_INCOMPLETE',
  TooLarge = 'DOCUMENT_TOO_LARGE',
  TypeUnsupported = 'DOCUMENT_TYPE_UNSUPPORTED',
  Empty = 'DOCUMENT_EMPTY',
  Malformed = 'DOCUMENT_MALFORMED',
}

export enum AuditError {
  OtherTenant = 'AUDIT_OTHER_TENANT',
  RoleNotAllowed = 'AUDIT_ROLE_NOT_ALLOWED',
  TooManyStreams = 'AUDIT_TOO_MANY_STREAMS',
}

export enum NotificationError {
  TemplateNotFound = 'NOTIFICATION_TEMPLATE_NOT_FOUND',
  TemplateExists = 'NOTIFICATION_TEMPLATE_EXISTS',
  NoChannel = 'NOTIFICATION_NO_CHANNEL',
  VariableCount = 'NOTIFICATION_VARIABLE_COUNT',
  VariableTooLong = 'NOTIFICATION_VARIABLE_TOO_LONG',
  TextMismatch = 'NOTIFICATION_TEXT_MISMATCH',
  HeaderNotRegistered = 'NOTIFICATION_HEADER_NOT_REGISTERED',
  PeIdMissing = 'NOTIFICATION_PE_ID_MISSING',
  UrlNotWhitelisted = 'NOTIFICATION_URL_NOT_WHITELISTED',
  ConsentRequired = 'NOTIFICATION_CONSENT_REQUIRED',
  WhatsappOptInRequired = 'NOTIFICATION_WHATSAPP_OPT_IN_REQUIRED',
  OptedOut = 'NOTIFICATION_OPTED_OUT',
  Dnd = 'NOTIFICATION_DND',
  IdempotencyKeyReused = 'NOTIFICATION_IDEMPOTENCY_KEY_REUSED',
  InFlight = 'NOTIFICATION_IN_FLIGHT',
  MessageNotFound = 'NOTIFICATION_MESSAGE_NOT_FOUND',
  SendAtTooFar = 'NOTIFICATION_SEND_AT_TOO_FAR',
  CustomerNotFound = 'NOTIFICATION_CUSTOMER_NOT_FOUND',
}

export enum PrivacyError {
  /** The purpose is not in the tenant's list. */
  PurposeUnknown = 'PRIVACY_PURPOSE_UNKNOWN',
  /** An expiry that is not in the future. */
  ExpiryPast = 'PRIVACY_EXPIRY_PAST',
  ConsentNotFound = 'PRIVACY_CONSENT_NOT_FOUND',
  /** Withdrawing a consent already withdrawn (or no active consent of the principal for the purpose). */
  NothingToWithdraw = 'PRIVACY_NOTHING_TO_WITHDRAW',
  /** No rights request of that ID in the caller's tenant. */
  RequestNotFound = 'PRIVACY_REQUEST_NOT_FOUND',
  /** Rejecting or completing a request that is already completed or rejected. */
  RequestClosed = 'PRIVACY_REQUEST_CLOSED',
  /** The result of a request that is not an access or export request, or not completed yet. */
  ResultNotReady = 'PRIVACY_RESULT_NOT_READY',
  /** Completing by hand an access or export request (it completes once every service answered). */
  RequestCompletesItself = 'PRIVACY_REQUEST_COMPLETES_ITSELF',
  /** The public route: a wrong, expired or used code, or an address not on record (never said which). */
  VerificationFailed = 'PRIVACY_VERIFICATION_FAILED',
  /** The public route: too many requests for the address or from the IP, or too many wrong codes. */
  TooManyVerifications = 'PRIVACY_TOO_MANY_VERIFICATIONS',
  /** The public route names a tenant that does not exist or is not active. */
  TenantNotFound = 'PRIVACY_TENANT_NOT_FOUND',
  /** Applying a correction to a request of another kind. */
  NotCorrection = 'PRIVACY_NOT_A_CORRECTION',
  /** Applying a correction with no changes given and none asked for by the principal. */
  CorrectionMissing = 'PRIVACY_CORRECTION_MISSING',
  /** The certificate of a request that is not an erasure, or not completed yet (no certificate exists). */
  CertificateNotReady = 'PRIVACY_CERTIFICATE_NOT_READY',
  /** No privacy notice of that ID in the caller's tenant (or no notice published for the public read). */
  NoticeNotFound = 'PRIVACY_NOTICE_NOT_FOUND',
  /** Publishing a notice with a `version` other than the next one for its language (versions never change). */
  NoticeVersionTaken = 'PRIVACY_NOTICE_VERSION_TAKEN',
}

/** Support access only with the customer's consent (compliance, identity, gateway). */
export enum SupportError {
  RequestNotFound = 'SUPPORT_REQUEST_NOT_FOUND',
  /** Approving or denying a request that was decided already (no further action once decided). */
  AlreadyDecided = 'SUPPORT_REQUEST_DECIDED',
  /** Deciding a request left pending past its lapse (`SUPPORT_REQUEST_PENDING_DAYS`): it reads `expired`. */
  RequestLapsed = 'SUPPORT_REQUEST_LAPSED',
  GrantNotFound = 'SUPPORT_GRANT_NOT_FOUND',
  /** Revoking a grant that is no longer active (denied, pending, revoked or expired). */
  GrantNotActive = 'SUPPORT_GRANT_NOT_ACTIVE',
  /** A grant's token asked by someone other than the support engineer who requested it. */
  NotRequester = 'SUPPORT_NOT_REQUESTER',
  /** A support token whose grant was revoked or has expired: refused on every route at once. */
  GrantEnded = 'SUPPORT_GRANT_ENDED',
  /** A support engineer may never decide a support request (only the tenant's owner or admin). */
  SelfApproval = 'SUPPORT_SELF_APPROVAL',
}

/** Tenant ledgers: the journal refuses what would not balance or would rewrite history. */
export enum LedgerError {
  /** Debits and credits of an entry differ. */
  Unbalanced = 'LEDGER_UNBALANCED',
  /** A line names an account the tenant does not have. */
  AccountUnknown = 'LEDGER_ACCOUNT_UNKNOWN',
  AccountNotFound = 'LEDGER_ACCOUNT_NOT_FOUND',
  EntryNotFound = 'LEDGER_ENTRY_NOT_FOUND',
  /** The entry was reversed already: a second reversal would count twice. */
  AlreadyReversed = 'LEDGER_ALREADY_REVERSED',
  /** A reversal is not reversed again; post the entry anew instead. */
  ReversalOfReversal = 'LEDGER_REVERSAL_OF_REVERSAL',
  CodeTaken = 'LEDGER_ACCOUNT_CODE_TAKEN',
  /** A statement's customer has no account. */
  NoAccounts = 'LEDGER_NO_ACCOUNTS',
  /** No invoice of the tenant to its customer with this id (another tenant's too). */
  InvoiceNotFound = 'LEDGER_INVOICE_NOT_FOUND',
  /** The tenant has not set its invoicing details (legal name, address, GSTIN or none, series prefix). */
  InvoiceSettingsMissing = 'LEDGER_INVOICE_SETTINGS_MISSING',
  /** A payment above what is still due on the invoice. */
  PaymentExceedsDue = 'LEDGER_PAYMENT_EXCEEDS_DUE',
}

/** A provider's webhook (delivery receipt, inbound message) that cannot be taken. */
export enum WebhookError {
  SignatureInvalid = 'WEBHOOK_SIGNATURE_INVALID',
  Malformed = 'WEBHOOK_MALFORMED',
  VerifyTokenInvalid = 'WEBHOOK_VERIFY_TOKEN_INVALID',
  SourceNotAllowed = 'WEBHOOK_SOURCE_NOT_ALLOWED',
}

/** Billing: invoices (GST, Rule 46 serials), credit notes. */
export enum BillingError {
  /** A GSTIN fails its format or check character, or its state code disagrees with the address. */
  GstinInvalid = 'BILLING_GSTIN_INVALID',
  /** Not a state/UT code the GST system knows. */
  StateCodeInvalid = 'BILLING_STATE_CODE_INVALID',
  /** A line or amount that cannot be invoiced (no lines, negative, discount above the price, too large). */
  InvoiceInvalid = 'BILLING_INVOICE_INVALID',
  /** The series prefix would make a serial that breaks Rule 46 (over 16 characters, other characters). */
  SerialInvalid = 'BILLING_SERIAL_INVALID',
  InvoiceNotFound = 'BILLING_INVOICE_NOT_FOUND',
  /** A credit note must reverse a tax invoice that has not been reversed already. */
  AlreadyReversed = 'BILLING_ALREADY_REVERSED',
  /** A credit note for more than the invoice's value (or than what is left to credit). */
  CreditExceedsInvoice = 'BILLING_CREDIT_EXCEEDS_INVOICE',
  /** A payment order for an invoice that is paid, refunded or reversed already, for a credit note, or under ₹1. */
  InvoiceNotPayable = 'BILLING_INVOICE_NOT_PAYABLE',
  /** No payment order of the caller's tenant (or, for the platform, none at all) with this id. */
  PaymentNotFound = 'BILLING_PAYMENT_NOT_FOUND',
  /** Checkout's signature does not verify against the order we stored and the payment it names. */
  PaymentSignatureInvalid = 'BILLING_PAYMENT_SIGNATURE_INVALID',
  /** A refund of an order that is not paid, or is refunded already. */
  PaymentNotRefundable = 'BILLING_PAYMENT_NOT_REFUNDABLE',
  /** Razorpay refused or did not answer; nothing was stored. */
  PaymentProviderFailed = 'BILLING_PAYMENT_PROVIDER_FAILED',
}

/** The oversight registers (compliance): law-enforcement requests and breaches. */
export enum RegisterError {
  LegalRequestNotFound = 'REGISTER_LEGAL_REQUEST_NOT_FOUND',
  IncidentNotFound = 'REGISTER_INCIDENT_NOT_FOUND',
  /** Dates out of order: decided before received, a bar ending before the request, a window ending before it starts. */
  DatesInvalid = 'REGISTER_DATES_INVALID',
  /** A disclosure without legal process (`informal`), or a decision and its disclosure that disagree. */
  DisclosureInvalid = 'REGISTER_DISCLOSURE_INVALID',
  /** Deciding a request that was decided already. */
  AlreadyDecided = 'REGISTER_ALREADY_DECIDED',
  /** A status that does not move the incident forward. */
  StatusInvalid = 'REGISTER_INCIDENT_STATUS_INVALID',
  /** Closing an incident whose Board filings are not both recorded. */
  StagesOpen = 'REGISTER_INCIDENT_STAGES_OPEN',
  /** A filing recorded already. */
  StageFiled = 'REGISTER_INCIDENT_STAGE_FILED',
}

/** Plans, subscriptions and the entitlements every service enforces (see docs/billing.md). */
export enum PlanError {
  /** Over one of the plan's limits (`details.limit`, `details.current`, `details.max`); nothing done. */
  LimitReached = 'PLAN_LIMIT_REACHED',
  /** A feature the tenant's plan does not include (`details.feature`). */
  FeatureNotIncluded = 'PLAN_FEATURE_NOT_INCLUDED',
  /** The subscription is unpaid past its grace period, or cancelled: the tenant is read-only (export allowed). */
  TenantRestricted = 'BILLING_TENANT_RESTRICTED',
  /** No plan with that key (`details[].path` is `planKey`). */
  PlanUnknown = 'PLAN_UNKNOWN',
  /** A paid plan needs the tenant's billing details (legal name, GSTIN or null, address) once. */
  BillingDetailsRequired = 'BILLING_DETAILS_REQUIRED',
  /** The subscription is cancelled: nothing to change or cancel. */
  SubscriptionCancelled = 'SUBSCRIPTION_CANCELLED',
  /** The tenant has no subscription yet (it is on the default plan). */
  SubscriptionNotFound = 'SUBSCRIPTION_NOT_FOUND',
  /** The payment names an invoice that is not this subscription's open charge. */
  PaymentInvoiceUnknown = 'SUBSCRIPTION_PAYMENT_INVOICE_UNKNOWN',
}

export type FeatureErrorReason =
  | AccessError
  | AuthError
  | MfaError
  | SessionError
  | StaffError
  | ApiKeyError
  | PlatformUserError
  | TenantError
  | CustomerError
  | RecordError
  | DocumentError
  | AuditError
  | NotificationError
  | WebhookError
  | BillingError
  | PlanError
  | PrivacyError
  | SupportError
  | LedgerError
  | RegisterError
  | RetentionError;

/** The one place a feature's reason becomes a wire code (and so an HTTP status). */
export function wireCodeOf(reason: FeatureErrorReason): ErrorCode {
  switch (reason) {
    case AuthError.InvalidCredentials:
    case AuthError.CodeInvalid:
    case WebhookError.SignatureInvalid:
    case WebhookError.SourceNotAllowed:
    case MfaError.CodeInvalid:
    case PrivacyError.VerificationFailed:
      return 'INVALID_CREDENTIALS';
    case AuthError.RefreshInvalid:
    case AuthError.AccessTokenInvalid:
    case AuthError.ResetTokenInvalid:
    case MfaError.ChallengeInvalid:
    case StaffError.InvitationInvalid:
    case ApiKeyError.Invalid:
      return 'INVALID_TOKEN';
    case AuthError.TooManyAttempts:
    case AuditError.TooManyStreams:
    case StaffError.TooManyInvitations:
    case PrivacyError.TooManyVerifications:
      return 'RATE_LIMITED';
    case AccessError.SignInRequired:
    case AccessError.PermissionMissing:
    case AccessError.PersonOnly:
    case AccessError.TenantRequired:
    case AuthError.ApiKeyHasNoSession:
    case MfaError.PersonOnly:
    case StaffError.SelfChange:
    case StaffError.OwnerOnly:
    case StaffError.OwnerUnchangeable:
    case PlatformUserError.SelfReset:
    case PlatformUserError.SelfDeactivate:
    case TenantError.TransitKeyNotAllowed:
    case RecordError.ReassignNotAllowed:
    case RecordError.AssignOthersNotAllowed:
    case DocumentError.KindNotAllowed:
    case AuditError.OtherTenant:
    case AuditError.RoleNotAllowed:
    case WebhookError.VerifyTokenInvalid:
    case SupportError.NotRequester:
    case SupportError.GrantEnded:
    case SupportError.SelfApproval:
      return 'FORBIDDEN';
    case TenantError.ReadOnly:
      return 'TENANT_READ_ONLY';
    case ApiKeyError.ScopeNotAllowed:
      return 'API_KEY_SCOPE_NOT_ALLOWED';
    case PlatformUserError.MfaEnrolmentRequired:
      return 'MFA_ENROLMENT_REQUIRED';
    case AuthError.UserNotFound:
    case SessionError.NotFound:
    case StaffError.UserNotFound:
    case StaffError.InvitationNotFound:
    case ApiKeyError.NotFound:
    case PlatformUserError.NotFound:
    case TenantError.ErasureNotAsked:
    case TenantError.NoKeys:
    case CustomerError.NotFound:
    case RecordError.NotFound:
    case RecordError.TypeNotFound:
    case DocumentError.NotFound:
    case DocumentError.UploadNotFound:
    case NotificationError.MessageNotFound:
    case BillingError.InvoiceNotFound:
    case BillingError.PaymentNotFound:
    case PrivacyError.ConsentNotFound:
    case PrivacyError.RequestNotFound:
    case PrivacyError.TenantNotFound:
    case PrivacyError.NoticeNotFound:
    case LedgerError.AccountNotFound:
    case LedgerError.EntryNotFound:
    case LedgerError.NoAccounts:
    case LedgerError.InvoiceNotFound:
    case NotificationError.CustomerNotFound:
    case SupportError.RequestNotFound:
    case SupportError.GrantNotFound:
    case RegisterError.LegalRequestNotFound:
    case RegisterError.IncidentNotFound:
    case RetentionError.HoldNotFound:
    case RetentionError.RunNotFound:
    case RetentionError.CertificateNotReady:
    case PrivacyError.CertificateNotReady:
      return 'NOT_FOUND';
    case MfaError.AlreadyOn:
    case MfaError.NotOn:
    case MfaError.NotPending:
    case StaffError.InvitationAccepted:
    case StaffError.AccountExists:
    case PlatformUserError.Exists:
    case CustomerError.ContactTaken:
    case CustomerError.ImportExpired:
    case CustomerError.LegalHold:
    case RecordError.TypeExists:
    case DocumentError.ChunkOutOfOrder:
    case NotificationError.TemplateExists:
    case LedgerError.AlreadyReversed:
    case LedgerError.CodeTaken:
    case NotificationError.InFlight:
    case BillingError.AlreadyReversed:
    case LedgerError.InvoiceSettingsMissing:
    case BillingError.InvoiceNotPayable:
    case BillingError.PaymentNotRefundable:
    case PrivacyError.NothingToWithdraw:
    case SupportError.AlreadyDecided:
    case SupportError.RequestLapsed:
    case SupportError.GrantNotActive:
    case RegisterError.AlreadyDecided:
    case RegisterError.StatusInvalid:
    case RegisterError.StagesOpen:
    case RegisterError.StageFiled:
    case RetentionError.NotCancelled:
    case RetentionError.AlreadyCancelled:
    case RetentionError.PurgeStarted:
    case RetentionError.HoldLifted:
    case PrivacyError.RequestClosed:
    case PrivacyError.ResultNotReady:
    case PrivacyError.RequestCompletesItself:
    case PrivacyError.NotCorrection:
    case PrivacyError.NoticeVersionTaken:
      return 'CONFLICT';
    case ApiKeyError.ScopeUnknown:
    case AuthError.GstinStateMismatch:
    case AuthError.PasswordRejected:
    case RetentionError.CustomerDataDaysTooLong:
    case TenantError.EraseIdMismatch:
    case CustomerError.ImportEmpty:
    case CustomerError.ImportNotText:
    case CustomerError.ImportNotCsv:
    case RecordError.DataInvalid:
    case RecordError.FieldOncePersonal:
    case RecordError.ReportFieldInvalid:
    case RecordError.AssigneeGivenTwice:
    case DocumentError.ChunkInvalid:
    case DocumentError.ChunkOutOfRange:
    case DocumentError.UploadIncomplete:
    case WebhookError.Malformed:
    case BillingError.GstinInvalid:
    case BillingError.StateCodeInvalid:
    case BillingError.InvoiceInvalid:
    case BillingError.SerialInvalid:
    case RegisterError.DatesInvalid:
    case RegisterError.DisclosureInvalid:
    case BillingError.PaymentSignatureInvalid:
    case PrivacyError.CorrectionMissing:
      return 'VALIDATION_FAILED';
    case CustomerError.ImportRejected:
      return 'IMPORT_REJECTED';
    case NotificationError.TemplateNotFound:
    case NotificationError.NoChannel:
    case NotificationError.VariableCount:
    case NotificationError.SendAtTooFar:
    case NotificationError.VariableTooLong:
    case NotificationError.TextMismatch:
    case NotificationError.HeaderNotRegistered:
    case NotificationError.PeIdMissing:
    case NotificationError.UrlNotWhitelisted:
    case NotificationError.ConsentRequired:
    case NotificationError.WhatsappOptInRequired:
    case NotificationError.OptedOut:
    case NotificationError.Dnd:
    case NotificationError.IdempotencyKeyReused:
    case PrivacyError.PurposeUnknown:
    case PrivacyError.ExpiryPast:
    case LedgerError.Unbalanced:
    case LedgerError.AccountUnknown:
    case LedgerError.ReversalOfReversal:
    case LedgerError.PaymentExceedsDue:
    case BillingError.CreditExceedsInvoice:
      return 'UNPROCESSABLE';
    case DocumentError.TooLarge:
    case CustomerError.ImportTooLarge:
      return 'PAYLOAD_TOO_LARGE';
    case DocumentError.TypeUnsupported:
    case DocumentError.Empty:
    case DocumentError.Malformed:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case AuthError.AgeConfirmationRequired:
    case StaffError.AgeConfirmationRequired:
      return 'AGE_CONFIRMATION_REQUIRED';
    case TenantError.Erased:
      return 'TENANT_ERASED';
    case BillingError.PaymentProviderFailed:
      return 'SERVICE_UNAVAILABLE';
    case PlanError.LimitReached:
    case PlanError.FeatureNotIncluded:
    case PlanError.TenantRestricted:
      return 'PAYMENT_REQUIRED';
    case PlanError.PlanUnknown:
    case PlanError.BillingDetailsRequired:
      return 'VALIDATION_FAILED';
    case PlanError.SubscriptionCancelled:
      return 'CONFLICT';
    case PlanError.SubscriptionNotFound:
    case PlanError.PaymentInvoiceUnknown:
      return 'NOT_FOUND';
    default:
      return assertUnreachable(reason);
  }
}

/** A DomainError that names its feature's reason; its wire code follows from the reason. */
export class FeatureError extends DomainError {
  constructor(reason: FeatureErrorReason, message: string, details?: unknown) {
    super(wireCodeOf(reason), message, details, reason);
    this.name = 'FeatureError';
  }
}
