import { httpStatusOf } from './errors.js';
import { CustomerError, FeatureError, MfaError, RecordError, wireCodeOf } from './feature-errors.js';

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
});
