import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import { requireContext } from '@lekha/tenancy';
import type { IdentityConfig } from '../config/identity.config.js';
import { IdentityKeys } from './identity-keys.js';
import { RateBudgets, type BudgetVerdict } from './rate-budgets.js';

export type SendKind = 'otp' | 'reset';

/** A caller without an IP (not through the gateway) has no per-IP budget. */
const ALLOWED: BudgetVerdict = { allowed: true, retryAfterSeconds: 0 };

/**
 * How many sign-in codes and reset tokens may be asked for. One identifier's budget is kept per
 * client IP, so someone else's requests cannot use up the owner's; a higher ceiling over all IPs
 * bounds what one phone or mailbox receives. Identifiers without an account are budgeted per IP.
 */
@Injectable()
export class SendBudgets {
  constructor(
    private readonly budgets: RateBudgets,
    private readonly keys: IdentityKeys,
    @InjectConfig() private readonly config: IdentityConfig,
  ) {}

  /** Charges one send to the identifier from this IP and to the identifier's ceiling (both or neither). */
  forIdentifier(kind: SendKind, identifierIdx: string): Promise<BudgetVerdict> {
    const windowSeconds = this.config.OTP_SEND_WINDOW_SECONDS;
    const key = `send:${kind}:${identifierIdx}`;
    return this.budgets.charge([
      { key: `${key}:${this.ipKey() ?? '-'}`, budget: { max: this.config.OTP_MAX_SENDS_PER_WINDOW, windowSeconds } },
      { key, budget: { max: this.config.OTP_MAX_SENDS_PER_IDENTIFIER, windowSeconds } },
    ]);
  }

  /**
   * The IP's budget for identifiers without an account (codes and resets together). Only those are
   * charged; a known identifier reads the same verdict through the same statements, so the answer
   * and its timing say nothing about which exist.
   */
  async unknownFromIp(unknown: boolean): Promise<BudgetVerdict> {
    const ip = this.ipKey();
    if (!ip) return ALLOWED;
    const budget = { max: this.config.OTP_MAX_UNKNOWN_PER_IP, windowSeconds: this.config.OTP_SEND_WINDOW_SECONDS };
    return this.budgets.charge([{ key: `unknown:${ip}`, budget, cost: unknown ? 1 : 0 }]);
  }

  /** True once per window per IP: its refusals go on the (permanent) audit trail once, not each time. */
  async firstRefusal(): Promise<boolean> {
    const ip = this.ipKey();
    if (!ip) return true;
    return this.once(`refused:${ip}`, this.config.OTP_SEND_WINDOW_SECONDS);
  }

  /** Signups from this IP. */
  async signup(): Promise<BudgetVerdict> {
    const ip = this.ipKey();
    if (!ip) return ALLOWED;
    const budget = { max: this.config.SIGNUP_MAX_PER_IP, windowSeconds: this.config.SIGNUP_WINDOW_SECONDS };
    return this.budgets.charge([{ key: `signup:${ip}`, budget }]);
  }

  /** True at most once per signup window per identifier: how often its owner hears of signup attempts. */
  async noticeAllowed(identifierIdx: string): Promise<boolean> {
    return this.once(`notice:${identifierIdx}`, this.config.SIGNUP_WINDOW_SECONDS);
  }

  private async once(key: string, windowSeconds: number): Promise<boolean> {
    return (await this.budgets.charge([{ key, budget: { max: 1, windowSeconds } }])).allowed;
  }

  private ipKey(): string | null {
    const ip = requireContext().ip;
    return ip ? this.keys.ip(ip) : null;
  }
}
