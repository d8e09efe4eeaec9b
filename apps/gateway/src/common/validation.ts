import { StandardSchemaValidationPipe } from '@nestjs/common';
import { DomainError } from '@lekha/contracts';

/** Validates every `@Body/@Query/@Param({ schema })`; issues become VALIDATION_FAILED with the field paths. */
export function validationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    transform: true,
    exceptionFactory: (issues) =>
      new DomainError(
        'VALIDATION_FAILED',
        'request is invalid',
        issues.map((i) => ({
          path: (i.path ?? [])
            .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p)))
            .join('.'),
          message: i.message,
        })),
      ),
  });
}
