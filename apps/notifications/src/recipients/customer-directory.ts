import { Injectable } from '@nestjs/common';
import { CustomerOps, DomainError, TenantOps } from '@lekha/contracts';
import { anonymousContext, currentContext, runWithContext } from '@lekha/tenancy';
import { ServiceBus } from '@lekha/runtime';

export interface CustomerContact {
  name: string;
  phone: string | null;
  email: string | null;
}

/** Where a message given by customer ID finds the customer's phone and email: tenant-data. */
export abstract class CustomerDirectory {
  /** The customer's contact, asked with the current caller's own token; null when there is no such customer. */
  abstract contact(customerId: string): Promise<CustomerContact | null>;

  /** A customer's contact for a platform notice (a breach notice), asked as this service; null when unknown. */
  noticeContact(_tenantId: string, _customerId: string): Promise<NoticeContact | null> {
    return Promise.resolve(null);
  }

  /** The tenant owner's contact for a platform notice, asked as this service; null when there is none. */
  ownerContact(_tenantId: string): Promise<NoticeContact | null> {
    return Promise.resolve(null);
  }
}

export interface NoticeContact {
  phone: string | null;
  email: string | null;
}

/** A call as this service, with no tenant in the context (a service caller has none; the request names it). */
const asService = <T>(fn: () => Promise<T>): Promise<T> => {
  const ctx = currentContext();
  return runWithContext(
    anonymousContext({
      actorType: 'service',
      actorId: 'notifications',
      ...(ctx ? { requestId: ctx.requestId, traceId: ctx.traceId } : {}),
    }),
    fn,
  );
};

/**
 * Asks tenant-data over the bus (`tenant-data.customers.contact`), as the caller: the call carries the
 * caller's access token and tenant, is sealed with the tenant's transit key for tenant-data, and its reply
 * is sealed to this process's reply key. Connects on first use (use-case tests never do).
 */
@Injectable()
export class BusCustomerDirectory extends CustomerDirectory {
  constructor(private readonly serviceBus: ServiceBus) {
    super();
  }

  private bus() {
    return this.serviceBus.connected('the customer directory cannot be reached; retry shortly');
  }

  async contact(customerId: string): Promise<CustomerContact | null> {
    const bus = await this.bus();
    try {
      const found = await bus.invoke(CustomerOps.contact, { id: customerId });
      return { name: found.name, phone: found.phone, email: found.email };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  override async noticeContact(tenantId: string, customerId: string): Promise<NoticeContact | null> {
    const bus = await this.bus();
    try {
      const found = await asService(() => bus.invoke(CustomerOps.noticeContact, { tenantId, id: customerId }));
      return { phone: found.phone, email: found.email };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  override async ownerContact(tenantId: string): Promise<NoticeContact | null> {
    const bus = await this.bus();
    try {
      const found = await asService(() => bus.invoke(TenantOps.ownerContact, { tenantId }));
      return { phone: found.phone, email: found.email };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }
}
