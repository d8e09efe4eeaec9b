/**
 * Email over SMTP through nodemailer (the maintained Node SMTP client: pooling, STARTTLS, AUTH,
 * RFC 5322 encoding and header-injection-safe fields). Options come as an `SMTP_URL`-style connection
 * URL (`smtp://user:pass@host:2525`, `smtps://…`); the Message-ID header is our message ID.
 */
import nodemailer, { type SMTPTransportOptions, type Transporter } from 'nodemailer';
import type { MessagingProvider, OutboundMessage, SendResult } from './port.js';
import { DEFAULT_TIMEOUT_MS, failure, refusedLocally, type SendFailure } from './http.js';

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (nodemailer connection URL; query options allowed). */
  url: string;
  /** Default From (`SMTP_FROM`), e.g. `Lekha <no-reply@lekha.example>`. */
  from: string;
  /** Connect, greeting and idle-socket timeouts, and the deadline of one whole send. */
  timeoutMs?: number;
  /** Keep connections open between sends (default true). */
  pool?: boolean;
  /** Domain of the Message-ID (`<messageId@domain>`); default the From address's domain. */
  messageIdDomain?: string;
  /** Refuse to send without TLS (default false: the local simulator speaks plain SMTP). */
  requireTls?: boolean;
}

/** SMTP reply codes that say the message was refused for good (5xx) or for now (4xx). */
function byResponseCode(responseCode: number, command: string, detail: string): SendFailure {
  const providerCode = String(responseCode);
  if (responseCode === 535 || responseCode === 530 || responseCode === 534) {
    return failure('AUTH_FAILED', { providerCode, detail });
  }
  if (responseCode === 421 || responseCode === 450 || responseCode === 451 || responseCode === 452) {
    return failure(/RCPT/i.test(command) && responseCode === 452 ? 'RATE_LIMITED' : 'PROVIDER_UNAVAILABLE', {
      providerCode,
      detail,
    });
  }
  if (/RCPT/i.test(command) && responseCode >= 550 && responseCode <= 553) {
    return failure('INVALID_RECIPIENT', { providerCode, detail });
  }
  if (/MAIL/i.test(command) && responseCode >= 550 && responseCode <= 553) {
    return failure('SENDER_REJECTED', { providerCode, detail });
  }
  if (responseCode >= 400 && responseCode < 500) return failure('PROVIDER_UNAVAILABLE', { providerCode, detail });
  return failure('REJECTED', { providerCode, detail });
}

interface NodemailerError {
  code?: string;
  /** The system error's code (ECONNREFUSED, …) when nodemailer replaced it with its own. */
  originalCode?: string;
  responseCode?: number;
  command?: string;
  /** CONNECT_TIMEOUT, GREETING_TIMEOUT (nothing handed over yet) or SOCKET_TIMEOUT (any time). */
  timeoutType?: string;
  message?: string;
}

/** Errors in these commands come before DATA: the server never had the message. */
const BEFORE_DATA = /^(EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL|RCPT)/i;
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class SmtpEmailProvider implements MessagingProvider {
  readonly name = 'smtp' as const;
  readonly channels = ['email'] as const;
  private readonly transport: Transporter<{ messageId: string }>;
  private readonly timeoutMs: number;
  private readonly domain: string;

  constructor(private readonly options: SmtpOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const common: SMTPTransportOptions = {
      url: options.url,
      // Setting up a session gets half the deadline, so that a silent server is told apart (nothing
      // handed over) from one that went quiet after DATA (outcome unknown).
      connectionTimeout: Math.ceil(this.timeoutMs / 2),
      greetingTimeout: Math.ceil(this.timeoutMs / 2),
      socketTimeout: this.timeoutMs,
      requireTLS: options.requireTls ?? false,
      // No logging: message headers and envelopes are personal data.
      logger: false,
      debug: false,
    };
    this.transport =
      (options.pool ?? true)
        ? nodemailer.createTransport({ ...common, pool: true })
        : nodemailer.createTransport(common);
    this.domain = options.messageIdDomain ?? domainOf(options.from) ?? 'localhost';
  }

  async send(message: OutboundMessage, options: { signal?: AbortSignal } = {}): Promise<SendResult> {
    if (message.channel !== 'email') return refusedLocally('REJECTED', `smtp does not send ${message.channel}`);
    if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(message.to)) {
      return refusedLocally('INVALID_RECIPIENT', 'the recipient is not an email address');
    }
    if (options.signal?.aborted) {
      return failure('TIMEOUT', { maybeAccepted: false, detail: 'aborted before sending' });
    }
    // A msg-id cannot hold angle brackets, '@' or white space.
    const messageId = `<${message.messageId.replace(/[<>@\s]/g, '_')}@${this.domain}>`;
    const sending = this.transport.sendMail({
      from: message.email?.from ?? this.options.from,
      to: message.to,
      subject: message.email?.subject ?? '',
      text: message.text,
      messageId,
    });
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const deadline = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
      onAbort = () => resolve('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([sending.then((info) => ({ info })), deadline]);
      if (outcome === 'timeout' || outcome === 'aborted') {
        sending.catch(() => undefined);
        return failure('TIMEOUT', {
          maybeAccepted: true,
          detail: outcome === 'timeout' ? `no answer within ${this.timeoutMs} ms` : 'send aborted by the caller',
        });
      }
      return { ok: true, providerMessageId: outcome.info.messageId || messageId };
    } catch (error) {
      return smtpFailure(error as NodemailerError);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes pooled connections (on shutdown). */
  close(): void {
    this.transport.close();
  }
}

export function smtpFailure(error: NodemailerError): SendFailure {
  const command = error.command ?? '';
  const detail = error.message ?? 'smtp send failed';
  if (error.code === 'EAUTH') return failure('AUTH_FAILED', { providerCode: error.responseCode ?? 'EAUTH', detail });
  if (typeof error.responseCode === 'number') return byResponseCode(error.responseCode, command, detail);
  if (error.code === 'ETIMEDOUT') {
    const inSetup = error.timeoutType === 'CONNECT_TIMEOUT' || error.timeoutType === 'GREETING_TIMEOUT';
    return failure('TIMEOUT', { providerCode: 'ETIMEDOUT', maybeAccepted: !inSetup, detail });
  }
  const system = error.originalCode ?? error.code ?? '';
  if (error.code === 'EDNS' || NEVER_CONNECTED.has(system)) {
    return failure('PROVIDER_UNAVAILABLE', { providerCode: system || error.code, detail });
  }
  if (error.code === 'EENVELOPE') return failure('INVALID_RECIPIENT', { providerCode: 'EENVELOPE', detail });
  // A connection lost mid-session: unknown unless it broke before DATA.
  return failure('PROVIDER_UNAVAILABLE', {
    providerCode: error.code,
    maybeAccepted: !BEFORE_DATA.test(command),
    detail,
  });
}

function domainOf(from: string): string | undefined {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1];
}
