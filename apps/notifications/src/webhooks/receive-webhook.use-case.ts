import {
  FeatureError,
  NotificationOps,
  WebhookError as WebhookReason,
  type ReceiveWebhook,
  type ReceiveWebhookResult,
} from '@lekha/contracts';
import { PlatformAccess } from '@lekha/access';
import {
  WebhookError,
  metaVerificationChallenge,
  parseGupshupDlr,
  parseMetaWebhook,
  parseMsg91Dlr,
  parseTwilioInbound,
  parseTwilioStatusCallback,
  webhookPathTokenMatches,
  type ParsedWebhook,
  type WebhookRequest,
} from '@lekha/providers';
import { Handles, InjectConfig, type OperationScope, type UseCase } from '@lekha/runtime';
import type { NotificationsConfig } from '../config/notifications.config.js';
import { ApplyInboundUseCase } from '../receipts/apply-inbound.use-case.js';
import { ApplyReceiptUseCase } from '../receipts/apply-receipt.use-case.js';

type Op = typeof NotificationOps.receiveWebhook;

/**
 * A provider's webhook, forwarded whole by the gateway: verified with the platform account's
 * credentials (X-Twilio-Signature with the auth token, X-Hub-Signature-256 with the app secret, the
 * secret path token for MSG91 and Gupshup), parsed with `@lekha/providers`, then each receipt and
 * inbound message applied (deduplicated, forward only; STOP opts out at once). An unverifiable
 * webhook is refused 401 and audited as denied, with no effect; a malformed one 400; a duplicate
 * answers 200 like the first (providers retry on anything else).
 */
@Handles(NotificationOps.receiveWebhook)
export class ReceiveWebhookUseCase implements UseCase<Op> {
  constructor(
    @InjectConfig() private readonly config: NotificationsConfig,
    private readonly platform: PlatformAccess,
    private readonly receipts: ApplyReceiptUseCase,
    private readonly inbound: ApplyInboundUseCase,
  ) {}

  async execute(scope: OperationScope<Op>, input: ReceiveWebhook): Promise<ReceiveWebhookResult> {
    const request: WebhookRequest = {
      url: input.url,
      method: input.method,
      headers: input.headers,
      rawBody: Buffer.from(input.body, 'base64'),
    };
    if (input.route === 'whatsapp' && input.method === 'GET') return this.verification(scope, input);
    let parsed: ParsedWebhook;
    try {
      parsed = this.parse(input, request);
    } catch (err) {
      if (!(err instanceof WebhookError)) throw err;
      const invalid = err.code === 'WEBHOOK_SIGNATURE_INVALID';
      return this.platform.refuse(
        scope,
        { resource: { id: null }, reason: `${invalid ? 'signature_invalid' : 'malformed'}_${input.route}` },
        new FeatureError(invalid ? WebhookReason.SignatureInvalid : WebhookReason.Malformed, err.message),
      );
    }
    let duplicates = 0;
    for (const receipt of parsed.receipts) if ((await this.receipts.execute(receipt)) === 'duplicate') duplicates++;
    for (const message of parsed.inbound) await this.inbound.execute(message);
    return { receipts: parsed.receipts.length, inbound: parsed.inbound.length, duplicates };
  }

  private parse(input: ReceiveWebhook, request: WebhookRequest): ParsedWebhook {
    const c = this.config;
    switch (input.route) {
      case 'twilio-status':
        return parseTwilioStatusCallback(request, c.TWILIO_AUTH_TOKEN ?? '');
      case 'twilio-inbound':
        return parseTwilioInbound(request, c.TWILIO_AUTH_TOKEN ?? '');
      case 'whatsapp':
        return parseMetaWebhook(request, c.WHATSAPP_APP_SECRET ?? '');
      case 'msg91':
        this.checkPathToken(input.token);
        return parseMsg91Dlr(request);
      case 'gupshup':
        this.checkPathToken(input.token);
        return parseGupshupDlr(request);
    }
  }

  private checkPathToken(token: string | undefined): void {
    if (!webhookPathTokenMatches(this.config.WEBHOOK_PATH_TOKEN, token))
      throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'the webhook path token does not match');
  }

  /** Meta's GET handshake: the challenge back when the verify token is ours, else 403 (audited). */
  private async verification(scope: OperationScope<Op>, input: ReceiveWebhook): Promise<ReceiveWebhookResult> {
    const query = URL.canParse(input.url) ? new URL(input.url).searchParams : new URLSearchParams();
    const answer = metaVerificationChallenge(query, this.config.WHATSAPP_VERIFY_TOKEN ?? '');
    if (!answer.ok)
      return this.platform.refuse(
        scope,
        { resource: { id: null }, reason: 'verify_token_invalid_whatsapp' },
        new FeatureError(WebhookReason.VerifyTokenInvalid, 'the hub.verify_token does not match'),
      );
    await this.platform.record(scope, { resource: { id: null }, reason: 'verified_whatsapp' });
    return { challenge: answer.challenge, receipts: 0, inbound: 0, duplicates: 0 };
  }
}
