import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotificationOps, PaymentOps, type ReceiveWebhook, type WebhookRoute } from '@lekha/contracts';
import { InjectConfig } from '@lekha/runtime';
import { BusClient } from '../bus/bus-client.js';
import type { GatewayConfig } from '../config/gateway.config.js';

/** The headers a verifier or parser reads; nothing else of the request leaves the gateway. */
const FORWARDED_HEADERS = ['content-type', 'x-twilio-signature', 'x-hub-signature-256', 'i-twilio-idempotency-token'];

/** What billing reads of a Razorpay webhook besides the raw body. */
const RAZORPAY_HEADERS = ['content-type', 'x-razorpay-signature', 'x-razorpay-event-id'];

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * The providers' public webhooks (no bearer token). Verifying one needs credentials only
 * notifications holds, so each request goes whole — the URL as configured at the provider
 * (PUBLIC_WEBHOOK_BASE_URL + the path and query), the headers above and the raw body — to
 * `notifications.webhooks.receive` over the bus, sealed like every bus value. Unverifiable → 401,
 * malformed → 400, a duplicate → 200 like the first. Razorpay's go to billing the same way.
 */
@ApiExcludeController()
@Controller('v1/webhooks')
export class WebhooksController {
  private readonly baseUrl: string;

  constructor(
    private readonly bus: BusClient,
    @InjectConfig() config: GatewayConfig,
  ) {
    this.baseUrl = (config.PUBLIC_WEBHOOK_BASE_URL ?? `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`).replace(
      /\/+$/,
      '',
    );
  }

  @Post('twilio/status')
  @HttpCode(200)
  async twilioStatus(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, 'twilio-status');
    res.type('text/xml').send(TWIML_EMPTY);
  }

  @Post('twilio/inbound')
  @HttpCode(200)
  async twilioInbound(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.forward(req, 'twilio-inbound');
    res.type('text/xml').send(TWIML_EMPTY);
  }

  /** Meta's verification handshake: the raw `hub.challenge` back as plain text. */
  @Get('whatsapp')
  async whatsappVerify(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.forward(req, 'whatsapp');
    res
      .status(200)
      .type('text/plain')
      .send(answer.challenge ?? '');
  }

  @Post('whatsapp')
  @HttpCode(200)
  whatsapp(@Req() req: Request) {
    return this.forward(req, 'whatsapp');
  }

  @Post('msg91/:token')
  @HttpCode(200)
  msg91(@Req() req: Request, @Param('token') token: string) {
    return this.forward(req, 'msg91', { token });
  }

  @Get('gupshup/:token')
  gupshupGet(@Req() req: Request, @Param('token') token: string) {
    return this.forward(req, 'gupshup', { token });
  }

  @Post('gupshup/:token')
  @HttpCode(200)
  gupshupPost(@Req() req: Request, @Param('token') token: string) {
    return this.forward(req, 'gupshup', { token });
  }

  /**
   * Razorpay (payments of the platform's invoices): verified, deduplicated and applied by billing,
   * which holds the webhook secret. Forged → 401, a redelivered event → 200 with no second effect.
   */
  @Post('razorpay')
  @HttpCode(200)
  razorpay(@Req() req: Request) {
    const headers: Record<string, string> = {};
    for (const name of RAZORPAY_HEADERS) {
      const value = req.header(name);
      if (value !== undefined) headers[name] = value.slice(0, 4000);
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.bus.invoke(PaymentOps.receiveWebhook, { headers, body: body.toString('base64') });
  }

  // A tenant's own provider account: the same webhooks under /t/:tenantId, verified with its credentials.

  @Post('twilio/t/:tenantId/status')
  @HttpCode(200)
  async tenantTwilioStatus(@Req() req: Request, @Res() res: Response, @Param('tenantId') tenantId: string) {
    await this.forward(req, 'twilio-status', { tenantId });
    res.type('text/xml').send(TWIML_EMPTY);
  }

  @Post('twilio/t/:tenantId/inbound')
  @HttpCode(200)
  async tenantTwilioInbound(@Req() req: Request, @Res() res: Response, @Param('tenantId') tenantId: string) {
    await this.forward(req, 'twilio-inbound', { tenantId });
    res.type('text/xml').send(TWIML_EMPTY);
  }

  @Get('whatsapp/t/:tenantId')
  async tenantWhatsappVerify(@Req() req: Request, @Res() res: Response, @Param('tenantId') tenantId: string) {
    const answer = await this.forward(req, 'whatsapp', { tenantId });
    res
      .status(200)
      .type('text/plain')
      .send(answer.challenge ?? '');
  }

  @Post('whatsapp/t/:tenantId')
  @HttpCode(200)
  tenantWhatsapp(@Req() req: Request, @Param('tenantId') tenantId: string) {
    return this.forward(req, 'whatsapp', { tenantId });
  }

  @Post('msg91/t/:tenantId/:token')
  @HttpCode(200)
  tenantMsg91(@Req() req: Request, @Param('tenantId') tenantId: string, @Param('token') token: string) {
    return this.forward(req, 'msg91', { tenantId, token });
  }

  @Get('gupshup/t/:tenantId/:token')
  tenantGupshupGet(@Req() req: Request, @Param('tenantId') tenantId: string, @Param('token') token: string) {
    return this.forward(req, 'gupshup', { tenantId, token });
  }

  @Post('gupshup/t/:tenantId/:token')
  @HttpCode(200)
  tenantGupshupPost(@Req() req: Request, @Param('tenantId') tenantId: string, @Param('token') token: string) {
    return this.forward(req, 'gupshup', { tenantId, token });
  }

  private forward(req: Request, route: WebhookRoute, path: { tenantId?: string; token?: string } = {}) {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = req.header(name);
      if (value !== undefined) headers[name] = value.slice(0, 4000);
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const input: ReceiveWebhook = {
      route,
      url: `${this.baseUrl}${req.originalUrl}`,
      method: req.method === 'GET' ? 'GET' : 'POST',
      headers,
      body: body.toString('base64'),
      ...(req.ip ? { sourceIp: req.ip } : {}),
      ...(path.token !== undefined ? { token: path.token } : {}),
      ...(path.tenantId !== undefined ? { tenantId: path.tenantId } : {}),
    };
    return this.bus.invoke(NotificationOps.receiveWebhook, input);
  }
}
