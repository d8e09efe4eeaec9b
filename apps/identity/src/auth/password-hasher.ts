import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane); the parameters are
 * stored inside each hash, so raising them later leaves old hashes verifiable.
 */
// 2 = Argon2id (the package exports it as an ambient const enum, which isolated modules cannot read).
export const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const COMMON = new Set([
  'password', 'password1', 'password123', '1234567890', '12345678910', 'qwertyuiop', 'iloveyou123', 'admin12345',
  'welcome123', 'india12345', 'letmein123', 'abcdefghij', '1qaz2wsx3edc', 'qwerty12345', 'passw0rd123',
]);

@Injectable()
export class PasswordHasher {
  /** A real hash of nothing, verified when the user is unknown so timing does not reveal it. */
  private dummy: Promise<string> = hash('lekha-timing-equaliser', ARGON2_PARAMS);

  isCommon(password: string): boolean {
    return COMMON.has(password.toLowerCase()) || /^(.)\1+$/.test(password);
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_PARAMS);
  }

  async verify(hashed: string | null, password: string): Promise<boolean> {
    if (!hashed) {
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return verify(hashed, password).catch(() => false);
  }
}
