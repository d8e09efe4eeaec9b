import { Global, Module } from '@nestjs/common';
import { AuditSigner, DirectAuditPublisher } from '@lekha/audit';
import { KafkaPublisher } from '@lekha/kafka';
import { BusClient } from './bus-client.js';

@Global()
@Module({
  providers: [
    BusClient,
    {
      provide: DirectAuditPublisher,
      inject: [AuditSigner, KafkaPublisher],
      useFactory: (signer: AuditSigner, publisher: KafkaPublisher) => new DirectAuditPublisher(signer, publisher),
    },
  ],
  exports: [BusClient, DirectAuditPublisher],
})
export class BusModule {}
