import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { uuidv7, type LoginEventKind, type TokenPair } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { AppLogger } from '@lekha/runtime';
import { requireContext } from '@lekha/tenancy';
import { IdentityData } from '../data/identity-data.js';
import type { UserRow } from '../users/user.entity.js';
import { keyOwnerOf } from '../users/platform-key.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { TokenSigner } from '../signing/token-signer.js';
import { LoginHistoryRepository } from '../security/login-history.repository.js';
import { NotificationDispatcher } from '../messaging/notification-dispatcher.js';
import { QUOTED_DEVICE_MAX, quotedName } from '../messaging/message-text.js';
import { SessionRepository } from './session.repository.js';

/**
 * Starts a session for a user who has proven who they are: session row, first refresh token,
 * login history and audit record in one transaction, then an access token bound to the session.
 * A sign-in from a device the user has not used before raises a security alert.
 */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly sessions: SessionRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly history: LoginHistoryRepository,
    private readonly signer: TokenSigner,
    private readonly dispatcher: NotificationDispatcher,
    private readonly logger: AppLogger,
  ) {}

  /** `also` runs inside the same transaction (e.g. consuming the OTP that proved identity). */
  async open(
    user: UserRow,
    kind: LoginEventKind,
    also?: (tx: Em) => Promise<void>,
  ): Promise<TokenPair & { sessionId: string }> {
    // Keys first: the embedded database has one connection, which the transaction then holds.
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(user.tenantId)));
    const { refresh, newDevice } = await this.data.transaction(async (tx) => {
      await also?.(tx);
      return this.openIn(tx, cipher, user, kind);
    });
    // A platform user has no tenant to send through (and no phone); their sign-ins are audited.
    if (newDevice && user.tenantId) void this.alertNewDevice(user, user.tenantId, cipher);
    const access = await this.signer.sign({
      sub: user.id,
      tid: user.tenantId ?? null,
      roles: user.roles,
      sid: refresh.familyId,
    });
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: access.expiresIn,
      sessionId: refresh.familyId,
    };
  }

  /** For callers that already hold a transaction (signup). */
  async openIn(tx: Em, cipher: FieldCipher, u: Pick<UserRow, 'id' | 'tenantId'>, kind: LoginEventKind) {
    const user = { id: u.id, tenantId: u.tenantId ?? null };
    const sessionId = uuidv7();
    const { newDevice } = await this.sessions.open(tx, cipher, {
      id: sessionId,
      tenantId: user.tenantId,
      userId: user.id,
    });
    const refresh = await this.refreshTokens.issue(tx, user.id, user.tenantId, sessionId);
    await this.history.record(tx, cipher, { tenantId: user.tenantId, userId: user.id, kind, sessionId });
    await this.audit.record(tx, {
      action: 'login',
      resource: { type: 'session', id: sessionId },
      tenantId: user.tenantId,
      actorId: user.id,
      actorType: 'user',
      ...(kind === 'login' ? {} : { reason: kind }),
    });
    return { refresh, newDevice };
  }

  private async alertNewDevice(user: UserRow, tenantId: string, cipher: FieldCipher): Promise<void> {
    const phone = cipher.decrypt('phone', user.phoneEnc);
    const email = cipher.decrypt('email', user.emailEnc);
    // The user agent is whatever the client sent: quoted and defanged, never a link or a number to call.
    const device = quotedName(requireContext().userAgent, 'an unknown device', QUOTED_DEVICE_MAX);
    const body =
      `New sign-in to your Lekha account from ${device}. ` +
      'If this was not you, reset your password and sign out other sessions.';
    try {
      if (phone) await this.dispatcher.send({ tenantId, channel: 'sms', purpose: 'security_alert', to: phone, body });
      else if (email)
        await this.dispatcher.send({ tenantId, channel: 'email', purpose: 'security_alert', to: email, body });
    } catch {
      this.logger.pino.warn({ userId: user.id }, 'new-device alert could not be queued');
    }
  }
}
