/** Error codes every service and the gateway share; each maps to exactly one HTTP status. */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_TOKEN: 'INVALID_TOKEN',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** A well-formed request whose content cannot be used as a whole (e.g. a CSV import with bad rows). */
  IMPORT_REJECTED: 'IMPORT_REJECTED',
  /** A well-formed request the rules refuse (DLT, consent, opt-out, an idempotency key reused with another body). */
  UNPROCESSABLE: 'UNPROCESSABLE',
  AGE_CONFIRMATION_REQUIRED: 'AGE_CONFIRMATION_REQUIRED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  /** The tenant's plan does not allow it (a limit reached) or its subscription is unpaid (read-only). */
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  /** The tenant has been erased: its keys are destroyed and nothing of it can be read or written. */
  TENANT_ERASED: 'TENANT_ERASED',
  /** The tenant is cancelled: it may be read and exported, not written, until reactivated. */
  TENANT_READ_ONLY: 'TENANT_READ_ONLY',
  /** An API key asked for a scope its creator does not hold. */
  API_KEY_SCOPE_NOT_ALLOWED: 'API_KEY_SCOPE_NOT_ALLOWED',
  /** A platform admin must turn on TOTP (POST /v1/security/mfa/totp/enroll) before any privileged action. */
  MFA_ENROLMENT_REQUIRED: 'MFA_ENROLMENT_REQUIRED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

/** Exhaustive: a new code that is not mapped here fails the type check. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_JSON':
    case 'AGE_CONFIRMATION_REQUIRED':
      return 400;
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'INVALID_TOKEN':
      return 401;
    case 'FORBIDDEN':
    case 'API_KEY_SCOPE_NOT_ALLOWED':
    case 'MFA_ENROLMENT_REQUIRED':
    case 'TENANT_READ_ONLY':
      return 403;
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'IMPORT_REJECTED':
    case 'UNPROCESSABLE':
      return 422;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'RATE_LIMITED':
      return 429;
    case 'PAYMENT_REQUIRED':
      return 402;
    case 'TENANT_ERASED':
      return 410;
    case 'SERVICE_UNAVAILABLE':
    case 'AUDIT_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    default:
      return assertUnreachable(code);
  }
}

export interface ErrorBody {
  code: ErrorCode;
  /** The feature's reason (see feature-errors.ts), when the failure has one: finer than the code. */
  reason?: string;
  message: string;
  details?: unknown;
}

/** The wire shape of every error the gateway returns. */
export interface ErrorEnvelope {
  error: ErrorBody;
}

/** A failure a use case reports on purpose; anything else thrown is an internal error. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly reason?: string;
  constructor(code: ErrorCode, message: string, details?: unknown, reason?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
    this.reason = reason;
  }

  /** The error as it travels (bus replies, the gateway's envelope). */
  toBody(): ErrorBody {
    return {
      code: this.code,
      ...(this.reason ? { reason: this.reason } : {}),
      message: this.message,
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }

  static fromBody(body: ErrorBody): DomainError {
    return new DomainError(body.code, body.message, body.details, body.reason);
  }
}
