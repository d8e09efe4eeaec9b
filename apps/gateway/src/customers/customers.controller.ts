import { Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CustomerOps, Rpc, type CustomerExportPage, type CustomerImportResult } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { RequireOperation } from '../operations/operation-access.js';
import { importCustomers, readCsvBody } from './customer-import.js';
import { streamPagedExport } from '../common/paged-export.js';
import { exportColumns, exportRow } from './customer-csv.js';
import { Answers } from '../operations/operation-access.js';

const exportQuerySchema = z.strictObject({ format: z.enum(['csv', 'json']).default('csv') });
const EXPORT_PAGE = 500;

@ApiTags('customers')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly bus: BusClient) {}

  @Post('import')
  @Answers(CustomerOps.commitImport.response, { status: 201 })
  @RequireOperation(CustomerOps.stageImport)
  @ApiConsumes('text/csv')
  @ApiOperation({
    summary:
      'Import customers from CSV (at most 5 MiB, 10,000 rows): all rows or none; ' +
      '422 IMPORT_REJECTED lists every bad row (row, column, reason)',
  })
  async import(@Req() req: Request): Promise<CustomerImportResult> {
    return importCustomers(this.bus, await readCsvBody(req));
  }

  // Declared before `:id` so that the literal path is not taken for an id.
  @Get('export')
  @Answers(z.string().describe('CSV, or a JSON array of customers with format=json'), { contentType: 'text/csv' })
  @RequireOperation(CustomerOps.export)
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({
    summary:
      'Every customer of the tenant as CSV (formula-safe) or a JSON array, streamed page by page; ' +
      'fields as the caller’s role may see them',
  })
  async export(
    @Query({ schema: exportQuerySchema }) query: z.output<typeof exportQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    // The first page is fetched before any byte is sent, so a refusal still gets a proper status.
    const first = await this.bus.call<CustomerExportPage>(Rpc.tenantData.exportCustomers, { limit: EXPORT_PAGE });
    const csv = query.format === 'csv';
    const columns = exportColumns(first.fields);
    await streamPagedExport(res, {
      contentType: csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      filename: `customers-${new Date().toISOString().slice(0, 10)}.${query.format}`,
      first,
      next: (cursor) =>
        this.bus.call<CustomerExportPage>(Rpc.tenantData.exportCustomers, { limit: EXPORT_PAGE, cursor }),
      head: csv ? `${columns.join(',')}\r\n` : '[',
      render: (page, itemsBefore) =>
        !page.items.length
          ? ''
          : csv
            ? page.items.map((c) => `${exportRow(columns, c)}\r\n`).join('')
            : (itemsBefore === 0 ? '\n' : ',\n') + page.items.map((c) => JSON.stringify(c)).join(',\n'),
      tail: csv ? undefined : '\n]\n',
    });
  }
}
