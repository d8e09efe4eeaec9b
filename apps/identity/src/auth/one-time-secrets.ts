import { randomBytes, randomInt } from 'node:crypto';

/** A 6-digit code from a CSPRNG, zero-padded ("004217" is as likely as any other). */
export function sixDigitCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** An opaque single-use token (256 bits), URL-safe. */
export function opaqueToken(): string {
  return randomBytes(32).toString('base64url');
}
