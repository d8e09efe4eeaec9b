import { Controller, Get, Param, ParseUUIDPipe, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { LedgerOps, ledgerDateSchema, ledgerStatementQuerySchema } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard } from '../auth/permissions.js';
import { Answers, RequireOperation } from '../operations/operation-access.js';
import { streamPagedExport } from '../common/paged-export.js';
import {
  RunningBalance,
  journalCsvHead,
  journalCsvRows,
  openingCsvRow,
  statementCsvHead,
  statementCsvRow,
} from './ledger-statement.js';

const STATEMENT_PAGE = 500;
type StatementQuery = z.output<typeof ledgerStatementQuerySchema>;
const accountStatementQuerySchema = z.strictObject({
  from: ledgerDateSchema.optional(),
  to: ledgerDateSchema.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
const exportQuerySchema = z.strictObject({
  format: z.literal('csv').default('csv'),
  from: ledgerDateSchema.optional(),
  to: ledgerDateSchema.optional(),
});

@ApiTags('ledgers')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/ledgers')
export class LedgersController {
  constructor(private readonly bus: BusClient) {}

  @Get('statement')
  @Answers(z.string().describe('JSON (format=json) or CSV (format=csv) statement'), {
    contentType: 'application/json',
  })
  @RequireOperation(LedgerOps.statementPage)
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary:
      'A statement for an account (accountId) or a customer (customerId) over value dates from..to: opening ' +
      'balance, every line with its running balance, closing balance; JSON or CSV (RFC 4180, formula-safe), ' +
      'streamed page by page',
  })
  statement(@Query({ schema: ledgerStatementQuerySchema }) q: StatementQuery, @Res() res: Response) {
    return this.streamStatement(q, res);
  }

  @Get('accounts/:id/statement')
  @Answers(z.string().describe('JSON (format=json) or CSV (format=csv) statement of the account'), {
    contentType: 'application/json',
  })
  @RequireOperation(LedgerOps.statementPage)
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'The statement of one account (as GET /v1/ledgers/statement?accountId=)' })
  accountStatement(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query({ schema: accountStatementQuerySchema }) q: z.output<typeof accountStatementQuerySchema>,
    @Res() res: Response,
  ) {
    return this.streamStatement({ ...q, accountId: id }, res);
  }

  @Get('export')
  @Answers(z.string().describe('CSV: every line of the journal, entries in posting order'), {
    contentType: 'text/csv',
  })
  @RequireOperation(LedgerOps.listEntries)
  @ApiProduces('text/csv')
  @ApiOperation({
    summary:
      'The whole journal as CSV (RFC 4180, formula-safe): one row per line with its entry, account and the ' +
      'entry’s chain hash, in posting order; ?from=&to= value dates; streamed page by page',
  })
  async export(@Query({ schema: exportQuerySchema }) q: z.output<typeof exportQuerySchema>, @Res() res: Response) {
    const accounts = await this.bus.invoke(LedgerOps.listAccounts, {});
    const names = new Map(accounts.items.map((a) => [a.id, a.name]));
    const ask = (cursor?: string) =>
      this.bus.invoke(LedgerOps.listEntries, {
        from: q.from,
        to: q.to,
        limit: STATEMENT_PAGE,
        ...(cursor ? { cursor } : {}),
      });
    await streamPagedExport(res, {
      contentType: 'text/csv; charset=utf-8',
      filename: `ledger-${new Date().toISOString().slice(0, 10)}.csv`,
      first: await ask(),
      next: (cursor) => ask(cursor),
      head: journalCsvHead,
      render: (page) => page.items.map((e) => journalCsvRows(e, names)).join(''),
    });
  }

  private async streamStatement(q: StatementQuery, res: Response): Promise<void> {
    const ask = (cursor?: string) =>
      this.bus.invoke(LedgerOps.statementPage, {
        accountId: q.accountId,
        customerId: q.customerId,
        from: q.from,
        to: q.to,
        limit: STATEMENT_PAGE,
        ...(cursor ? { cursor } : {}),
      });
    // The first page is fetched before any byte is sent, so a refusal still gets its own status.
    const first = await ask();
    const running = new RunningBalance(first.openingBalancePaise);
    const csv = q.format === 'csv';
    const subject = q.accountId ? `account-${q.accountId}` : `customer-${q.customerId}`;
    await streamPagedExport(res, {
      contentType: csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      filename: `statement-${subject}-${q.from ?? 'start'}-${q.to ?? 'now'}.${q.format}`,
      first,
      next: (cursor) => ask(cursor),
      head: csv
        ? statementCsvHead + openingCsvRow(q.from, first.openingBalancePaise)
        : `{"accounts":${JSON.stringify(first.accounts)},"from":${JSON.stringify(q.from ?? null)},` +
          `"to":${JSON.stringify(q.to ?? null)},"openingBalancePaise":${first.openingBalancePaise},"lines":[`,
      render: (page, itemsBefore) => {
        const balances = running.take(page);
        if (csv) return page.items.map((l, i) => statementCsvRow(l, balances[i]!)).join('');
        return page.items
          .map(
            (l, i) => `${itemsBefore + i === 0 ? '\n' : ',\n'}${JSON.stringify({ ...l, balancePaise: balances[i] })}`,
          )
          .join('');
      },
      tail: csv ? undefined : () => `\n],"closingBalancePaise":${running.current}}\n`,
    });
  }
}
