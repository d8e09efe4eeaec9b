import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import type { Request } from 'express';
import { DirectAuditPublisher } from '@lekha/audit';
import { DomainError } from '@lekha/contracts';
import { contextHasPermission, requireContext } from '@lekha/tenancy';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { AuthDenialAudit } from '../auth/auth-denials.js';
import type { GatewayConfig } from '../config/gateway.config.js';
import { ApiKeyExchange } from './api-key-exchange.js';

/** The header that carries the development inbox secret (`DEV_INBOX_SECRET`). */
export const DEV_INBOX_SECRET_HEADER = 'x-dev-inbox-secret';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const REFUSED =
  `the development inbox needs a platform admin token, or the ${DEV_INBOX_SECRET_HEADER} header with ` +
  'the secret `lekha dev` printed, sent from this machine';
const digest = (s: string) => createHash('sha256').update(s).digest();

/** The address of the TCP peer itself: never a forwarded-for header, which a client can write. */
export function isLoopback(address: string | undefined): boolean {
  return !!address && LOOPBACK.test(address);
}

/**
 * Who may read the development inbox (which holds sign-in codes and reset tokens): a platform
 * admin's bearer token from anywhere, or the per-start secret from this machine. Anyone else is
 * refused (401, or 403 for a token without the permission), and the refusal is audited.
 */
@Injectable()
export class DevInboxGuard extends JwtAuthGuard {
  private readonly secret: Buffer | null;

  constructor(
    apiKeys: ApiKeyExchange,
    denials: AuthDenialAudit,
    @InjectConfig() config: GatewayConfig,
    private readonly audit: DirectAuditPublisher,
  ) {
    super(apiKeys, denials);
    this.secret = config.DEV_INBOX_SECRET ? digest(config.DEV_INBOX_SECRET) : null;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.headers.authorization !== undefined || ApiKeyExchange.keyOf(req.headers)) {
      try {
        await super.canActivate(context);
      } catch (err) {
        await this.deny('invalid_token');
        throw err;
      }
      if (contextHasPermission(requireContext(), 'platform:dev_inbox:read')) return true;
      await this.deny('forbidden');
      throw new DomainError('FORBIDDEN', 'only a platform admin may read the development inbox');
    }
    const given = req.header(DEV_INBOX_SECRET_HEADER);
    const matches = !!given && !!this.secret && timingSafeEqual(digest(given), this.secret);
    if (matches && isLoopback(req.socket.remoteAddress)) return true;
    await this.deny(given ? 'bad_secret' : 'unauthenticated');
    throw new DomainError('UNAUTHENTICATED', REFUSED);
  }

  private async deny(reason: string): Promise<void> {
    await this.audit.record({ action: 'read', resource: { type: 'dev_inbox', id: null }, outcome: 'denied', reason });
  }
}
