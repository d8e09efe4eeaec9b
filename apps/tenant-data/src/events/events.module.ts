import { Global, Module } from '@nestjs/common';
import { CustomerRepository } from '../customers/customer.repository.js';
import { TenantDataEventRelay, TenantDataEvents } from './tenant-data-events.js';

/** The domain-event outbox and its relay, for every feature module of the service. */
@Global()
@Module({
  providers: [CustomerRepository, TenantDataEvents, TenantDataEventRelay],
  exports: [TenantDataEvents],
})
export class TenantDataEventsModule {}
