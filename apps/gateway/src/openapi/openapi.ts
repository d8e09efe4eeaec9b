import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document of the gateway's routes (derived routes carry their operations' schemas). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lekha gateway API')
    .setDescription(
      'The one public HTTP surface of Lekha. Errors are `{ "error": { "code", "message", "details"? } }`; ' +
        'lists are cursor-paginated.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** OpenAPI from the routes and their zod schemas: UI at /docs, JSON at /docs/openapi.json. */
export function setupOpenApi(app: INestApplication): void {
  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
