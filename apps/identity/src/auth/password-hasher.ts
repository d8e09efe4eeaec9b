import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane); the parameters are
 * stored inside each hash, so raising them later leaves old hashes verifiable.
 */
// 2 = Argon2id (the package exports it as an ambient const enum, which isolated modules cannot read).
export const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A real hash of nothing, verified when the user is unknown so timing does not reveal it. */
  private dummy: Promise<string> = hash('lekha-timing-equaliser', ARGON2_PARAMS);

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
