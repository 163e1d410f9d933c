/** The codes of the system with their labels in French, Dutch, German and English (no login: the portal's drop-downs). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CatalogueView, buildCatalogue } from '@um/contracts';

export function catalogueRoutes(app: FastifyInstance): void {
  const catalogue = buildCatalogue();
  app.withTypeProvider<ZodTypeProvider>().get('/catalogue', {
    config: { auth: 'none' },
    schema: {
      summary: 'Qualities (with their applications and data fields), applications, declaration types, role kinds and languages, each with labels in fr, nl, de and en',
      tags: ['catalogue'],
      response: { 200: CatalogueView },
    },
  }, async () => catalogue);
}
