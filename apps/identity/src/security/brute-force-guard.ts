import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import { requireContext } from '@lekha/tenancy';
import type { IdentityConfig } from '../config/identity.config.js';
import { IdentityKeys } from './identity-keys.js';
import { LoginThrottleRepository, type ThrottleVerdict } from './login-throttle.repository.js';
import { IdentityData } from '../data/identity-data.js';

const NOT_THROTTLED = { throttled: false, retryAfterSeconds: 0 };

export interface AttemptTicket {
  /** The identifier's own lock: while it holds, even the right password is refused. */
  verdict: ThrottleVerdict & { scope: 'account' | null };
  /**
   * The client IP past its failure limit: a failure is then answered 429 after this many seconds'
   * backoff; a success is not refused (many people can share one address).
   */
  ip: { throttled: boolean; retryAfterSeconds: number };
  accountKey: string;
  ipKey: string | null;
}

/**
 * Throttles sign-in attempts per login identifier and per client IP. The identifier key is the
 * blind index of what was typed, so an unknown email is throttled exactly like a known one and
 * a lockout reveals nothing about which accounts exist. The IP is never locked: past its limit
 * its failures are refused with a growing backoff, while a correct password (or code) for an
 * identifier that is not itself locked still signs in.
 */
@Injectable()
export class BruteForceGuard {
  constructor(
    private readonly data: IdentityData,
    private readonly throttle: LoginThrottleRepository,
    private readonly keys: IdentityKeys,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  async attempt(identifierIdx: string): Promise<AttemptTicket> {
    const ip = requireContext().ip;
    const accountKey = `acct:${identifierIdx}`;
    const ipKey = ip ? `ip:${this.keys.ip(ip)}` : null;
    return this.data.transaction(async (tx) => {
      const maxPerIp = this.config.LOGIN_MAX_FAILURES_PER_IP;
      const ip = ipKey ? await this.throttle.ipAttempt(tx, ipKey, maxPerIp) : NOT_THROTTLED;
      const byAccount = await this.throttle.attempt(tx, accountKey, this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT);
      const verdict = { ...byAccount, scope: byAccount.allowed ? null : ('account' as const) };
      return { verdict, ip, accountKey, ipKey };
    });
  }

  async succeeded(ticket: AttemptTicket): Promise<void> {
    await this.data.transaction((tx) => this.throttle.succeeded(tx, ticket.accountKey, ticket.ipKey));
  }

  /** A separate budget for sending codes to one phone (SMS costs money and annoys people). */
  async sendAllowed(key: string): Promise<ThrottleVerdict> {
    return this.data.transaction((tx) =>
      this.throttle.attempt(tx, `send:${key}`, this.config.OTP_MAX_SENDS_PER_WINDOW),
    );
  }
}
