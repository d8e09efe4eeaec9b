import { Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { AuditSigner, DirectAuditPublisher } from '@lekha/audit';
import { KAFKA } from '@lekha/runtime';
import { BusClient } from './bus-client.js';

@Global()
@Module({
  providers: [
    BusClient,
    {
      provide: DirectAuditPublisher,
      inject: [AuditSigner, KAFKA],
      useFactory: (signer: AuditSigner, kafka: Kafka) => new DirectAuditPublisher(signer, kafka),
    },
  ],
  exports: [BusClient, DirectAuditPublisher],
})
export class BusModule {}
