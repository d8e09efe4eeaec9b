import { Module } from '@nestjs/common';
import { RecordRepository } from './record.repository.js';
import { CreateRecordTypeUseCase } from './use-cases/create-record-type.use-case.js';
import { UpdateRecordTypeUseCase } from './use-cases/update-record-type.use-case.js';
import { ListRecordTypesUseCase, RecordTemplatesUseCase } from './use-cases/list-record-types.use-case.js';
import { CreateRecordUseCase } from './use-cases/create-record.use-case.js';
import { GetRecordUseCase } from './use-cases/get-record.use-case.js';
import { ListRecordsUseCase } from './use-cases/list-records.use-case.js';
import { RecordReportUseCase } from './use-cases/record-report.use-case.js';
import { UpdateRecordUseCase } from './use-cases/update-record.use-case.js';
import { DeleteRecordUseCase } from './use-cases/delete-record.use-case.js';
import { GetRecordHistoryUseCase } from './use-cases/get-record-history.use-case.js';

@Module({
  providers: [
    RecordRepository,
    CreateRecordTypeUseCase,
    UpdateRecordTypeUseCase,
    ListRecordTypesUseCase,
    RecordTemplatesUseCase,
    CreateRecordUseCase,
    GetRecordUseCase,
    ListRecordsUseCase,
    RecordReportUseCase,
    UpdateRecordUseCase,
    DeleteRecordUseCase,
    GetRecordHistoryUseCase,
  ],
})
export class RecordsModule {}
