import { gunzipSync, gzipSync } from 'node:zlib';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import {
  FeatureError,
  PRIVACY_RIGHTS_TOPIC,
  RightsDeclarationOps,
  AccessError,
  rightsEventSchema,
  rightsPartSchema,
  rightsTransportKey,
  uuidv7,
  type PersonalDataDeclaration,
  type RightsErasure,
  type RightsEvent,
  type RightsHolding,
  type RightsPart,
  type RightsPartRequestedEvent,
  type RightsService,
} from '@lekha/contracts';
import { open, seal } from '@lekha/crypto';
import { KafkaPublisher } from '@lekha/kafka';
import { AppLogger } from './app-logger.js';
import { BusSeal } from './bus-seal.js';
import { KAFKA } from './core-module.js';
import { MASTER_KEY } from './keyring-module.js';
import { SealedEventFollower } from './sealed-event-follower.js';
import { Handles, type OperationScope } from './operations/handles.js';

/**
 * Rights events (`privacy.rights.v1`): compliance's requests for a service's part of an access or
 * export request, and each service's answer. Every record is sealed with the bus key; a part (the
 * principal's personal data) is sealed again with the tenant's rights transport key, derived from
 * the master key by each service, so nothing personal is readable with the bus key alone.
 */
@Injectable()
export class RightsEvents {
  constructor(
    private readonly publisher: KafkaPublisher,
    @Inject(BusSeal) private readonly seal: BusSeal,
    @Inject(MASTER_KEY) private readonly masterKey: Buffer,
  ) {}

  async publish(...events: RightsEvent[]): Promise<void> {
    if (!events.length) return;
    await this.publisher.send({
      topic: PRIVACY_RIGHTS_TOPIC,
      timeout: 5000,
      messages: events.map((e) => ({
        key: e.tenantId,
        value: this.seal.sealRecord(PRIVACY_RIGHTS_TOPIC, rightsEventSchema.parse(e)),
      })),
    });
  }

  /** Opens and validates one record; null for anything not sealed with our bus key or not a known event. */
  open(value: Buffer | null): RightsEvent | null {
    if (!value) return null;
    try {
      return rightsEventSchema.parse(this.seal.openRecord(PRIVACY_RIGHTS_TOPIC, value));
    } catch {
      return null;
    }
  }

  /** The part compressed (gzip), then sealed: a record stays well under the broker's 1 MB for typical data. */
  sealPart(tenantId: string, requestId: string, part: RightsPart): string {
    const bytes = gzipSync(Buffer.from(JSON.stringify(rightsPartSchema.parse(part)), 'utf8'));
    return seal(this.key(tenantId), bytes, this.aad(tenantId, requestId, part.service)).toString('base64');
  }

  openPart(tenantId: string, requestId: string, service: RightsService, sealed: string): RightsPart {
    const bytes = open(this.key(tenantId), Buffer.from(sealed, 'base64'), this.aad(tenantId, requestId, service));
    const part = rightsPartSchema.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
    if (part.service !== service) throw new Error('a part answered for another service');
    return part;
  }

  private key(tenantId: string): Buffer {
    return rightsTransportKey(this.masterKey, tenantId);
  }

  private aad(tenantId: string, requestId: string, service: string): Buffer {
    return Buffer.from(`lekha.rights-part/1\n${tenantId}\n${requestId}\n${service}`, 'utf8');
  }
}

/**
 * A service's answer to rights requests, driven by its personal-data declarations: for each declared
 * table naming a principal, what it holds about the customer (by category and purpose, since when),
 * whom it shared it with, each read audited. Must be idempotent: a repeated request answers again.
 */
export interface RightsHandler {
  readonly service: RightsService;
  readonly declarations: readonly PersonalDataDeclaration[];
  part(request: RightsPartRequestedEvent): Promise<RightsPart>;
  /**
   * Erases the principal's personal data here by reusing the service's own erasure path, and says what it
   * erased and what a legal minimum keeps (and why). Idempotent: a repeated request erases nothing more.
   */
  erase(request: RightsPartRequestedEvent): Promise<RightsErasure>;
}
export const RIGHTS_HANDLER = Symbol('RIGHTS_HANDLER');

/** What a service holds in one declared table about the principal: its rows as the principal may read them. */
export type RightsFinder = () => Promise<{ items: Record<string, unknown>[]; since: Date | string | null }>;

/**
 * A part's holdings, one per declaration that names a principal column, in declaration order: the
 * declarations drive the answer, and a declared table with no finder is an error (not a silent gap).
 */
export async function holdingsFrom(
  declarations: readonly PersonalDataDeclaration[],
  finders: Readonly<Record<string, RightsFinder>>,
): Promise<RightsHolding[]> {
  const holdings: RightsHolding[] = [];
  for (const d of declarations) {
    if (d.principalColumn === null || d.partOf || d.withheld) continue;
    const find = finders[d.table];
    if (!find) throw new Error(`${d.table} is declared as holding customers' data but has no rights finder`);
    const { items, since } = await find();
    holdings.push({
      what: d.what,
      category: d.category,
      purpose: d.purpose,
      since: since === null ? null : new Date(since).toISOString(),
      count: items.length,
      items,
    });
  }
  return holdings;
}

/**
 * Follows `privacy.rights.v1` in the service's own group (from the beginning: a service that was down
 * answers what was asked meanwhile; compliance republishes until it hears back). A request for this
 * service's part runs its handler, retrying until it works, and the sealed answer is published before
 * the offset is committed.
 */
@Injectable()
export class RightsPartWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly follower: SealedEventFollower<RightsEvent>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly events: RightsEvents,
    logger: AppLogger,
    @Inject(RIGHTS_HANDLER) private readonly handler: RightsHandler,
  ) {
    this.follower = new SealedEventFollower({
      kafka,
      logger: logger.pino,
      name: 'rights requests',
      topic: PRIVACY_RIGHTS_TOPIC,
      groupId: `${handler.service}.rights`,
      open: (value) => events.open(value),
      what: 'rights event',
      apply: async (event) => {
        if (event.type === 'rights.part.requested' && event.service === this.handler.service) await this.answer(event);
      },
      retrying: 'could not answer a rights request; retrying',
      describe: (event) => ({ requestId: event.requestId }),
    });
  }

  onApplicationBootstrap(): void {
    this.follower.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  /** Assembles this service's part (for an erasure: erases, and says what) and publishes it, sealed. */
  async answer(event: RightsPartRequestedEvent): Promise<void> {
    const part: RightsPart =
      event.kind === 'erasure'
        ? {
            service: this.handler.service,
            holdings: [],
            sharedWith: [],
            activities: [],
            erasure: await this.handler.erase(event),
          }
        : await this.handler.part(event);
    await this.events.publish({
      type: 'rights.part.answered',
      eventId: uuidv7(),
      tenantId: event.tenantId,
      requestId: event.requestId,
      service: this.handler.service,
      kind: event.kind,
      partSealed: this.events.sealPart(event.tenantId, event.requestId, part),
      answeredAt: new Date().toISOString(),
    });
  }
}

/**
 * Serves the service's personal-data declarations over the bus (`<service>.rights.declarations`), so
 * compliance's data map is assembled from what each service declares in code: a service wired with
 * `RightsModule.forService` is on the map without anyone listing it.
 */
export function rightsDeclarationsHandler(service: RightsService): Type {
  @Handles(RightsDeclarationOps[service])
  class RightsDeclarationsUseCase {
    constructor(@Inject(RIGHTS_HANDLER) private readonly handler: RightsHandler) {}

    execute({ ctx }: OperationScope) {
      if (ctx.actorType !== 'service')
        throw new FeatureError(AccessError.PermissionMissing, 'only a service may ask for the declarations');
      return {
        service: this.handler.service,
        declarations: this.handler.declarations.map((d) => ({
          table: d.table,
          what: d.what,
          category: d.category,
          purpose: d.purpose,
          principalColumn: d.principalColumn,
          ...(d.notCustomers ? { notCustomers: d.notCustomers } : {}),
          ...(d.partOf ? { partOf: d.partOf } : {}),
          ...(d.withheld ? { withheld: d.withheld } : {}),
        })),
      };
    }
  }
  return RightsDeclarationsUseCase;
}

/**
 * Wires a service into rights requests: its handler (and what it needs) behind the worker, and the
 * use case that answers its declarations for the data map.
 */
@Module({})
export class RightsModule {
  static forService(opts: {
    service: RightsService;
    handler: Type<RightsHandler>;
    providers?: Provider[];
  }): DynamicModule {
    return {
      module: RightsModule,
      providers: [
        ...(opts.providers ?? []),
        rightsDeclarationsHandler(opts.service),
        opts.handler,
        { provide: RIGHTS_HANDLER, useExisting: opts.handler },
        RightsEvents,
        RightsPartWorker,
      ],
      exports: [RightsEvents, RIGHTS_HANDLER, RightsPartWorker],
    };
  }
}
