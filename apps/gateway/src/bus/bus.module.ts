import { Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DirectAuditPublisher } from '@lekha/audit';
import { KAFKA } from '@lekha/runtime';
import { BusClient } from './bus-client.js';

@Global()
@Module({
  providers: [BusClient, { provide: DirectAuditPublisher, inject: [KAFKA], useFactory: (kafka: Kafka) => new DirectAuditPublisher('gateway', kafka) }],
  exports: [BusClient, DirectAuditPublisher],
})
export class BusModule {}
