import { httpStatusOf } from './errors.js';
import * as features from './feature-errors.js';
import { CustomerError, FeatureError, MfaError, RecordError, StaffError, wireCodeOf } from './feature-errors.js';

describe('feature errors', () => {
  it('tell apart failures that share a wire code', () => {
    const totp = new FeatureError(MfaError.AlreadyOn, 'two-step sign-in is already on');
    const type = new FeatureError(RecordError.TypeExists, 'record type "x" exists already');
    expect(totp.code).toBe('CONFLICT');
    expect(type.code).toBe('CONFLICT');
    expect(totp.toBody().reason).toBe('MFA_ALREADY_ON');
    expect(type.toBody().reason).toBe('RECORD_TYPE_EXISTS');
  });

  it('map each reason onto one wire code and status', () => {
    expect(httpStatusOf(wireCodeOf(CustomerError.NotFound))).toBe(404);
    expect(httpStatusOf(wireCodeOf(CustomerError.ImportRejected))).toBe(422);
    expect(httpStatusOf(wireCodeOf(MfaError.CodeInvalid))).toBe(401);
  });

  it('survive the trip through an error body', () => {
    const back = FeatureError.fromBody(
      new FeatureError(CustomerError.ContactTaken, 'taken', [{ path: 'phone' }]).toBody(),
    );
    expect(back).toMatchObject({ code: 'CONFLICT', reason: 'CUSTOMER_CONTACT_TAKEN', details: [{ path: 'phone' }] });
  });

  it('name their feature and are unique across features', () => {
    const prefixes: Record<string, string> = {
      AccessError: 'ACCESS_',
      AuthError: 'AUTH_',
      MfaError: 'MFA_',
      SessionError: 'SESSION_',
      StaffError: 'STAFF_',
      ApiKeyError: 'API_KEY_',
      PlatformUserError: 'PLATFORM_USER_',
      TenantError: 'TENANT_',
      CustomerError: 'CUSTOMER_',
      RecordError: 'RECORD_',
      DocumentError: 'DOCUMENT_',
      AuditError: 'AUDIT_',
      NotificationError: 'NOTIFICATION_',
      LedgerError: 'LEDGER_',
      RetentionError: 'RETENTION_',
      WebhookError: 'WEBHOOK_',
      SupportError: 'SUPPORT_',
      RegisterError: 'REGISTER_',
    };
    const all = Object.entries(prefixes).flatMap(([name, prefix]) => {
      const reasons = Object.values((features as unknown as Record<string, Record<string, string>>)[name]!);
      for (const reason of reasons) expect(reason.startsWith(prefix)).toBe(true);
      return reasons;
    });
    expect(new Set(all).size).toBe(all.length);
  });

  it('keep the wire code each refusal answered with before it had a reason', () => {
    // Token-shaped refusals are 401 INVALID_TOKEN, wrong secrets 401 INVALID_CREDENTIALS.
    expect(wireCodeOf(StaffError.InvitationInvalid)).toBe('INVALID_TOKEN');
    expect(wireCodeOf(features.AuthError.ResetTokenInvalid)).toBe('INVALID_TOKEN');
    expect(wireCodeOf(MfaError.ChallengeInvalid)).toBe('INVALID_TOKEN');
    expect(wireCodeOf(MfaError.CodeInvalid)).toBe('INVALID_CREDENTIALS');
    expect(wireCodeOf(StaffError.AgeConfirmationRequired)).toBe('AGE_CONFIRMATION_REQUIRED');
    expect(wireCodeOf(features.DocumentError.Malformed)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answer a send the rules refuse with 422, a send still in flight with 409', () => {
    expect(httpStatusOf(wireCodeOf(features.NotificationError.ConsentRequired))).toBe(422);
    expect(httpStatusOf(wireCodeOf(features.NotificationError.IdempotencyKeyReused))).toBe(422);
    expect(httpStatusOf(wireCodeOf(features.NotificationError.InFlight))).toBe(409);
  });

  it('answer an unverifiable webhook 401, a malformed one 400, a wrong verify token 403', () => {
    expect(httpStatusOf(wireCodeOf(features.WebhookError.SignatureInvalid))).toBe(401);
    expect(httpStatusOf(wireCodeOf(features.WebhookError.Malformed))).toBe(400);
    expect(httpStatusOf(wireCodeOf(features.WebhookError.VerifyTokenInvalid))).toBe(403);
  });
});
