import { Injectable } from '@nestjs/common';
import { FeatureError, AuthError } from '@lekha/contracts';
import { COMMON_BASE_WORDS, COMMON_PASSWORDS } from './common-passwords.js';

const COMMON = new Set(COMMON_PASSWORDS);
const BASE_WORDS = new Set(COMMON_BASE_WORDS);

/**
 * NIST 800-63B style: a minimum length (checked by the request schema), no composition rules,
 * but refuse passwords from breach lists, decorated dictionary words, runs of one character,
 * and passwords made of the person's own email or phone.
 */
@Injectable()
export class PasswordPolicy {
  problem(password: string, personal: (string | null | undefined)[] = []): string | null {
    const lower = password.toLowerCase();
    if (COMMON.has(lower)) return 'is too common; choose another';
    if (/^(.)\1+$/.test(password)) return 'is one character repeated; choose another';
    // "Password@2026", "#India1947!": a common word with only digits and symbols around it.
    const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
    if (BASE_WORDS.has(core)) {
      return 'is a common word with digits or symbols added; choose another';
    }
    for (const value of personal) {
      if (!value) continue;
      const token = value.toLowerCase().replace(/^\+91/, '').split('@')[0]!;
      if (token.length >= 4 && lower.includes(token)) return 'must not contain your email or phone number';
    }
    return null;
  }

  /** Throws the field-level validation error the API returns for a weak password. */
  assertAcceptable(password: string, path: string, personal: (string | null | undefined)[] = []): void {
    const problem = this.problem(password, personal);
    if (problem) throw new FeatureError(AuthError.PasswordRejected, 'request is invalid', [{ path, message: problem }]);
  }
}
