import {
  FeatureError,
  NotificationOps,
  WebhookError as WebhookReason,
  type MessagingProviderName,
  type ReceiveWebhook,
  type ReceiveWebhookResult,
  type WebhookRoute,
} from '@lekha/contracts';
import { PlatformAccess } from '@lekha/access';
import { TenantKeyring, TenantKeysetDestroyedError } from '@lekha/crypto';
import {
  WebhookError,
  metaVerificationChallenge,
  parseGupshupDlr,
  parseMetaWebhook,
  parseMsg91Dlr,
  parseTwilioInbound,
  parseTwilioStatusCallback,
  webhookPathTokenMatches,
  webhookSourceAllowed,
  type ParsedWebhook,
  type WebhookRequest,
} from '@lekha/providers';
import { Handles, InjectConfig, type OperationScope, type UseCase } from '@lekha/runtime';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import type { NotificationsConfig } from '../config/notifications.config.js';
import { ApplyInboundUseCase } from '../receipts/apply-inbound.use-case.js';
import { ApplyReceiptUseCase } from '../receipts/apply-receipt.use-case.js';
import { SettingsRepository } from '../settings/settings.repository.js';

type Op = typeof NotificationOps.receiveWebhook;

const PROVIDER: Record<WebhookRoute, MessagingProviderName> = {
  'twilio-status': 'twilio',
  'twilio-inbound': 'twilio',
  whatsapp: 'whatsapp-cloud',
  msg91: 'msg91',
  gupshup: 'gupshup',
};

class SourceNotAllowed extends Error {}

/** The secrets a webhook is verified with: the platform account's, or a tenant's own. */
interface WebhookSecrets {
  /** Twilio auth token, Meta app secret, or the unsigned providers' path token. */
  secret: string;
  /** Meta's hub.verify_token. */
  verifyToken: string;
  /** MSG91/Gupshup: the addresses their webhooks may come from (unset → any). */
  sources?: string | undefined;
}

/**
 * A provider's webhook, forwarded whole by the gateway: verified with the platform account's
 * credentials (X-Twilio-Signature with the auth token, X-Hub-Signature-256 with the app secret, the
 * secret path token for MSG91 and Gupshup, plus their source allow-lists when set) — or, when the path
 * names a tenant, with that tenant's own (`authToken`, `appSecret`/`verifyToken`, `webhookToken`,
 * `webhookSources`) —, parsed with `@lekha/providers`, then
 * each receipt and inbound message applied (deduplicated, forward only; STOP opts out at once). A
 * tenant's webhook touches only that tenant's messages and recipients. An unverifiable webhook is
 * refused 401 and audited as denied, with no effect; a malformed one 400; a duplicate answers 200 like
 * the first (providers retry on anything else); a receipt for a message not recorded yet (it overtook
 * its send) is parked and applied once the send's provider reference is recorded.
 */
@Handles(NotificationOps.receiveWebhook)
export class ReceiveWebhookUseCase implements UseCase<Op> {
  constructor(
    @InjectConfig() private readonly config: NotificationsConfig,
    private readonly platform: PlatformAccess,
    private readonly keyring: TenantKeyring,
    private readonly tenants: ServiceTenantAccess,
    private readonly settings: SettingsRepository,
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
    const secrets = await this.secretsFor(input);
    if (input.route === 'whatsapp' && input.method === 'GET') return this.verification(scope, input, secrets);
    let parsed: ParsedWebhook;
    try {
      if (!secrets) throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'no credentials verify this webhook');
      parsed = this.parse(input, request, secrets);
    } catch (err) {
      if (err instanceof SourceNotAllowed)
        return this.platform.refuse(
          scope,
          { resource: { id: null }, reason: `source_not_allowed_${input.route}` },
          new FeatureError(WebhookReason.SourceNotAllowed, 'this webhook may not come from this address'),
        );
      if (!(err instanceof WebhookError)) throw err;
      const invalid = err.code === 'WEBHOOK_SIGNATURE_INVALID';
      return this.platform.refuse(
        scope,
        { resource: { id: null }, reason: `${invalid ? 'signature_invalid' : 'malformed'}_${input.route}` },
        new FeatureError(invalid ? WebhookReason.SignatureInvalid : WebhookReason.Malformed, err.message),
      );
    }
    let duplicates = 0;
    let parked = 0;
    for (const receipt of parsed.receipts) {
      // A receipt that overtook its send is parked and applied once the send is recorded.
      const outcome = await this.receipts.execute(receipt, input.tenantId);
      if (outcome === 'duplicate') duplicates++;
      if (outcome === 'parked') parked++;
    }
    for (const message of parsed.inbound) await this.inbound.execute(message, input.tenantId);
    return { receipts: parsed.receipts.length, inbound: parsed.inbound.length, duplicates, parked };
  }

  /** The platform's secrets, or the named tenant's own; null when there are none to verify with. */
  private async secretsFor(input: ReceiveWebhook): Promise<WebhookSecrets | null> {
    const c = this.config;
    if (input.tenantId === undefined) {
      const secret =
        input.route === 'whatsapp'
          ? c.WHATSAPP_APP_SECRET
          : input.route === 'msg91' || input.route === 'gupshup'
            ? c.WEBHOOK_PATH_TOKEN
            : c.TWILIO_AUTH_TOKEN;
      const sources =
        input.route === 'msg91'
          ? c.WEBHOOK_SOURCES_MSG91
          : input.route === 'gupshup'
            ? c.WEBHOOK_SOURCES_GUPSHUP
            : undefined;
      return { secret: secret ?? '', verifyToken: c.WHATSAPP_VERIFY_TOKEN ?? '', sources };
    }
    const tenantId = input.tenantId;
    try {
      // An unknown tenant gets no keyset made for it by a stranger's request.
      if (!(await this.keyring.keysFor(tenantId, { create: false }))) return null;
      const own = await this.tenants.run(tenantId, (data) => this.settings.credentialsFor(data, PROVIDER[input.route]));
      if (!own) return null;
      const secret =
        input.route === 'whatsapp'
          ? own.appSecret
          : input.route === 'msg91' || input.route === 'gupshup'
            ? own.webhookToken
            : own.authToken;
      return { secret: secret ?? '', verifyToken: own.verifyToken ?? '', sources: own.webhookSources };
    } catch (err) {
      if (err instanceof TenantKeysetDestroyedError) return null;
      throw err;
    }
  }

  private parse(input: ReceiveWebhook, request: WebhookRequest, { secret, sources }: WebhookSecrets): ParsedWebhook {
    switch (input.route) {
      case 'twilio-status':
        return parseTwilioStatusCallback(request, secret);
      case 'twilio-inbound':
        return parseTwilioInbound(request, secret);
      case 'whatsapp':
        return parseMetaWebhook(request, secret);
      case 'msg91':
        this.checkPathToken(secret, input.token);
        this.checkSource(sources, input.sourceIp);
        return parseMsg91Dlr(request);
      case 'gupshup':
        this.checkPathToken(secret, input.token);
        this.checkSource(sources, input.sourceIp);
        return parseGupshupDlr(request);
    }
  }

  private checkPathToken(expected: string, token: string | undefined): void {
    if (!webhookPathTokenMatches(expected, token))
      throw new WebhookError('WEBHOOK_SIGNATURE_INVALID', 'the webhook path token does not match');
  }

  /** The unsigned providers: after the path token, the source address when an allow-list is set. */
  private checkSource(sources: string | undefined, ip: string | undefined): void {
    if (!webhookSourceAllowed(sources, ip)) throw new SourceNotAllowed();
  }

  /** Meta's GET handshake: the challenge back when the verify token is ours, else 403 (audited). */
  private async verification(
    scope: OperationScope<Op>,
    input: ReceiveWebhook,
    secrets: WebhookSecrets | null,
  ): Promise<ReceiveWebhookResult> {
    const query = URL.canParse(input.url) ? new URL(input.url).searchParams : new URLSearchParams();
    const answer = metaVerificationChallenge(query, secrets?.verifyToken ?? '');
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
