import { Inject, Injectable } from '@nestjs/common';
import { BillingError, FeatureError } from '@lekha/contracts';
import { RazorpayClient, type RazorpayFailure } from '@lekha/providers';
import { SERVICE_CONFIG } from '@lekha/runtime';
import type { BillingConfig } from '../config/billing.config.js';

/** The platform's Razorpay account from configuration: the adapter, the key ID Checkout needs, the secrets. */
@Injectable()
export class RazorpayAccount {
  readonly client: RazorpayClient | null;
  readonly keyId: string | null;
  readonly keySecret: string | null;
  /** The webhook secret, and during a rotation the old one too. */
  readonly webhookSecrets: readonly string[];

  constructor(@Inject(SERVICE_CONFIG) config: BillingConfig) {
    this.keyId = config.RAZORPAY_KEY_ID || null;
    this.keySecret = config.RAZORPAY_KEY_SECRET || null;
    this.client =
      this.keyId && this.keySecret
        ? new RazorpayClient({
            keyId: this.keyId,
            keySecret: this.keySecret,
            baseUrl: config.RAZORPAY_BASE_URL,
            timeoutMs: config.RAZORPAY_TIMEOUT_MS,
          })
        : null;
    this.webhookSecrets = (config.RAZORPAY_WEBHOOK_SECRET ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** The adapter, or a clear 503 when the account is not configured. */
  configured(): { client: RazorpayClient; keyId: string; keySecret: string } {
    if (!this.client || !this.keyId || !this.keySecret)
      throw new FeatureError(BillingError.PaymentProviderFailed, 'payments are not configured (RAZORPAY_KEY_ID)');
    return { client: this.client, keyId: this.keyId, keySecret: this.keySecret };
  }
}

/** Razorpay's refusal or silence as our error: nothing was stored. */
export function providerFailed(f: RazorpayFailure): FeatureError {
  return new FeatureError(
    BillingError.PaymentProviderFailed,
    `Razorpay did not take the request (${f.code}${f.description ? `: ${f.description}` : ''})`,
    { provider: 'razorpay', code: f.code, retryable: f.retryable },
  );
}
