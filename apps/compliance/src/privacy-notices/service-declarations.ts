import { Injectable } from '@nestjs/common';
import { DomainError, RightsDeclarationOps, type RightsService, type ServiceDeclarations } from '@lekha/contracts';
import { ServiceBus } from '@lekha/runtime';
import { anonymousContext, runWithContext } from '@lekha/tenancy';

/**
 * Each service's personal-data declarations, as the service itself answers them: the data map is
 * assembled from these, never from a list kept by hand. Use-case tests put a fake in its place.
 */
export abstract class ServiceDeclarationsSource {
  abstract of(service: RightsService): Promise<ServiceDeclarations>;
}

/** Asks every service over the bus (`<service>.rights.declarations`, served by `RightsModule.forService`). */
@Injectable()
export class BusServiceDeclarations extends ServiceDeclarationsSource {
  constructor(private readonly serviceBus: ServiceBus) {
    super();
  }

  async of(service: RightsService): Promise<ServiceDeclarations> {
    const bus = await this.serviceBus.connected('the bus cannot be reached; retry shortly');
    try {
      return await runWithContext(anonymousContext({ actorType: 'service', actorId: 'compliance' }), () =>
        bus.invoke(RightsDeclarationOps[service], {}, 10_000),
      );
    } catch (err) {
      throw new DomainError('SERVICE_UNAVAILABLE', `${service} did not answer its declarations; retry shortly`, {
        service,
        cause: (err as Error).message,
      });
    }
  }
}
