import { Module } from '@nestjs/common';
import { AuditIndexController } from './audit-index.controller.js';
import { AuditIndexRepository } from './audit-index.repository.js';
import { AuditIngestor } from './audit-ingestor.js';
import { QueryAuditUseCase } from './use-cases/query-audit.use-case.js';

@Module({
  controllers: [AuditIndexController],
  providers: [AuditIndexRepository, AuditIngestor, QueryAuditUseCase],
})
export class AuditIndexModule {}
