import { PasswordPolicy } from './password-policy.js';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();

  it('accepts an ordinary passphrase', () => {
    expect(policy.problem('blue water cans 2026')).toBeNull();
    expect(policy.problem('Tr0ub4dor&3-horse')).toBeNull();
  });

  it.each(['1234567890', 'QWERTYUIOP', 'jaishreeram123', 'iloveindia'])(
    'refuses the breached password %s, whatever its case',
    (pw) => {
      expect(policy.problem(pw)).toMatch(/too common/);
    },
  );

  it.each(['Password@2026', '#India1947!', '2024welcome!!', 'Admin#123456'])(
    'refuses the decorated common word %s',
    (pw) => {
      expect(policy.problem(pw)).toMatch(/common word/);
    },
  );

  it('refuses one character repeated', () => {
    expect(policy.problem('aaaaaaaaaaaa')).toMatch(/repeated/);
  });

  it('refuses a password built from the person’s email or phone', () => {
    expect(policy.problem('asha.patil2026', ['asha.patil@jalmitra.in'])).toMatch(/email or phone/);
    expect(policy.problem('x9876543210x', ['+919876543210'])).toMatch(/email or phone/);
    expect(policy.problem('blue water cans', ['ab@x.in'])).toBeNull();
  });

  it('reports the field path in the validation error', () => {
    expect(() => policy.assertAcceptable('password123', 'owner.password')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'owner.password', message: 'is too common; choose another' }],
      }),
    );
  });
});
