import { readFileSync } from 'node:fs';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@lekha/contracts';
import { AppLogger, ConfigError, InjectConfig } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import type { IdentityConfig } from '../config/identity.config.js';
import { PlatformUserWriter } from './platform-user-writer.js';

/**
 * With PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD_FILE set, creates the first platform admin
 * at start unless an account with that email exists (any number of instances may race: the email
 * index is unique). An existing account is never changed, so the file cannot reset a password.
 */
@Injectable()
export class PlatformAdminBootstrap implements OnApplicationBootstrap {
  constructor(
    @InjectConfig() private readonly config: IdentityConfig,
    private readonly writer: PlatformUserWriter,
    private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { PLATFORM_ADMIN_EMAIL: email, PLATFORM_ADMIN_PASSWORD_FILE: file } = this.config;
    if (!email && !file) return;
    if (!email) throw new ConfigError('PLATFORM_ADMIN_EMAIL', 'is required when PLATFORM_ADMIN_PASSWORD_FILE is set');
    if (!file) throw new ConfigError('PLATFORM_ADMIN_PASSWORD_FILE', 'is required when PLATFORM_ADMIN_EMAIL is set');
    let password: string;
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError('PLATFORM_ADMIN_PASSWORD_FILE', `cannot be read: ${(err as Error).message}`);
    }
    const ctx = anonymousContext({ actorType: 'service', actorId: 'identity', purpose: 'platform_bootstrap' });
    const result = await runWithContext(ctx, () =>
      this.writer.create(
        { email, password, name: this.config.PLATFORM_ADMIN_NAME, role: 'platform:admin' },
        { ifAbsent: true },
      ),
    ).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === 'VALIDATION_FAILED') {
        const problem = (err.details as { message?: string }[] | undefined)?.[0]?.message ?? err.message;
        throw new ConfigError('PLATFORM_ADMIN_PASSWORD_FILE', `holds a password the policy refuses: ${problem}`);
      }
      throw err;
    });
    // The email is personal data: only the user ID is logged.
    if (result.created)
      this.logger.pino.info({ userId: result.id }, 'platform admin created from PLATFORM_ADMIN_EMAIL');
  }
}
