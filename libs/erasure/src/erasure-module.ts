import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { TenantErasureWorker } from './erasure-worker.js';
import { PlatformEvents } from './platform-events.js';
import {
  PLATFORM_EVENT_OBSERVER,
  TENANT_ERASER,
  type PlatformEventObserver,
  type TenantEraser,
} from './tenant-eraser.js';

/**
 * Wires a service into tenant erasure: its eraser (and optionally an observer of every platform
 * event) behind the worker that follows `platform.events.v1`. `providers` are what the eraser needs;
 * `imports`, modules whose exports the eraser or the observer use.
 */
@Module({})
export class TenantErasureModule {
  static forService(opts: {
    eraser: Type<TenantEraser>;
    observer?: Type<PlatformEventObserver>;
    providers?: Type[];
    imports?: ModuleMetadata['imports'];
  }): DynamicModule {
    return {
      module: TenantErasureModule,
      imports: opts.imports ?? [],
      providers: [
        ...(opts.providers ?? []),
        opts.eraser,
        { provide: TENANT_ERASER, useExisting: opts.eraser },
        ...(opts.observer ? [{ provide: PLATFORM_EVENT_OBSERVER, useExisting: opts.observer }] : []),
        PlatformEvents,
        TenantErasureWorker,
      ],
      exports: [PlatformEvents, opts.eraser],
    };
  }
}
