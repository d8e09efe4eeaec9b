import { Controller, Get, Param, ParseUUIDPipe, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { InvoiceOps, invoiceFormatQuerySchema, invoiceViewSchema } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { Answers, RequireOperation } from '../operations/operation-access.js';

/** A serial (`LK/26-27/00042`) as a file name: `LK-26-27-00042`. */
const fileStem = (serial: string) => serial.replace(/[^A-Za-z0-9-]/g, '-');

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/billing/invoices')
export class InvoicesController {
  constructor(private readonly bus: BusClient) {}

  @Get(':id')
  @Answers(invoiceViewSchema)
  @RequireOperation(InvoiceOps.get)
  @ApiProduces('application/json', 'application/pdf')
  @ApiOperation({
    summary:
      'One tax invoice or credit note: JSON (default), ?format=pdf (the PDF, as an attachment) or ' +
      '?format=einvoice (GST e-invoice JSON, INV-01 Version 1.1); another tenant’s is a 404',
  })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: invoiceFormatQuerySchema }) q: z.output<typeof invoiceFormatQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    if (q.format === 'json') {
      res.status(200).json(await this.bus.invoke(InvoiceOps.get, { id }));
      return;
    }
    const rendered = await this.bus.invoke(InvoiceOps.render, { id, format: q.format });
    if (rendered.format === 'pdf') {
      const bytes = Buffer.from(rendered.pdfBase64, 'base64');
      res
        .status(200)
        .setHeader('Content-Type', 'application/pdf')
        .setHeader('Content-Disposition', `attachment; filename="invoice-${fileStem(rendered.serial)}.pdf"`)
        .setHeader('Content-Length', String(bytes.length))
        .end(bytes);
      return;
    }
    res
      .status(200)
      .setHeader('Content-Disposition', `attachment; filename="einvoice-${fileStem(rendered.serial)}.json"`)
      .json(rendered.einvoice);
  }
}
