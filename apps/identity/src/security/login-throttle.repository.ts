import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import type { Em } from '@lekha/persistence';
import type { IdentityConfig } from '../config/identity.config.js';

export interface ThrottleVerdict {
  allowed: boolean;
  /** Seconds until the lock ends, when refused. */
  retryAfterSeconds: number;
}

interface Row {
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

/**
 * Brute-force counters kept in the identity database, so a restart forgets nothing. An attempt
 * is counted *before* the password is checked and forgiven after a success: fifty parallel
 * guesses cannot all slip in before the first failure is written.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectConfig() private readonly config: IdentityConfig) {}

  /** Counts one attempt against `key`; refuses it once `max` attempts are pending in the window. */
  async attempt(tx: Em, key: string, max: number): Promise<ThrottleVerdict> {
    await tx.execute(`insert into identity.login_throttle (key) values (?) on conflict (key) do nothing`, [key]);
    const [row] = await tx.execute<Row[]>(
      `select failures, window_started_at, locked_until from identity.login_throttle where key = ? for update`,
      [key],
    );
    const now = Date.now();
    const lockedUntil = row?.locked_until ? new Date(row.locked_until).getTime() : 0;
    if (lockedUntil > now) return { allowed: false, retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) };
    const windowOver =
      !row ||
      lockedUntil > 0 ||
      new Date(row.window_started_at).getTime() < now - this.config.LOGIN_FAILURE_WINDOW_SECONDS * 1000;
    const failures = (windowOver ? 0 : row.failures) + 1;
    if (failures > max) {
      await tx.execute(
        `update identity.login_throttle set locked_until = now() + make_interval(secs => ?), failures = 0
         where key = ?`,
        [this.config.LOGIN_LOCKOUT_SECONDS, key],
      );
      return { allowed: false, retryAfterSeconds: this.config.LOGIN_LOCKOUT_SECONDS };
    }
    await tx.execute(
      `update identity.login_throttle set failures = ?, locked_until = null,
       window_started_at = case when ? then now() else window_started_at end
       where key = ?`,
      [failures, windowOver, key],
    );
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /**
   * Counts one attempt from a client IP. Past `max` pending in the window the IP is throttled: not
   * locked (a correct password still signs in), but each further failure is answered with a backoff
   * that doubles, from 1 s up to LOGIN_IP_BACKOFF_MAX_SECONDS; the window keeps sliding while it does.
   */
  async ipAttempt(tx: Em, key: string, max: number): Promise<{ throttled: boolean; retryAfterSeconds: number }> {
    await tx.execute(`insert into identity.login_throttle (key) values (?) on conflict (key) do nothing`, [key]);
    const [row] = await tx.execute<Row[]>(
      `select failures, window_started_at, locked_until from identity.login_throttle where key = ? for update`,
      [key],
    );
    const windowStart = Date.now() - this.config.LOGIN_FAILURE_WINDOW_SECONDS * 1000;
    const windowOver = !row || new Date(row.window_started_at).getTime() < windowStart;
    const failures = (windowOver ? 0 : row.failures) + 1;
    const excess = failures - max;
    const throttled = excess > 0;
    await tx.execute(
      `update identity.login_throttle set failures = ?, locked_until = null,
         window_started_at = case when ? then now() else window_started_at end where key = ?`,
      [failures, windowOver || throttled, key],
    );
    const backoff = Math.min(2 ** Math.min(excess - 1, 30), this.config.LOGIN_IP_BACKOFF_MAX_SECONDS);
    return { throttled, retryAfterSeconds: throttled ? backoff : 0 };
  }

  /** A success clears the identifier's count and forgives this one attempt of the IP. */
  async succeeded(tx: Em, accountKey: string, ipKey: string | null): Promise<void> {
    await tx.execute(`delete from identity.login_throttle where key = ?`, [accountKey]);
    if (ipKey)
      await tx.execute(
        `update identity.login_throttle set failures = greatest(failures - 1, 0)
         where key = ? and locked_until is null`,
        [ipKey],
      );
  }
}
