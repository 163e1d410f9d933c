/** GET /catalogue: every code of the system with its labels in the four languages (PRODUCT.md §7.2). */
import { z } from 'zod';
import {
  APPLICATIONS,
  APPLICATIONS_BY_QUALITY,
  DECLARATION_TYPES,
  LANGUAGES,
  QUALITY_DATA_FIELDS,
  QUALITY_TYPES,
  ROLE_KINDS,
} from '@um/domain';
import { labelsOf } from '../i18n/index.js';

const Labels = z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string()])) as Record<(typeof LANGUAGES)[number], z.ZodString>);
const Item = z.object({ code: z.string(), labels: Labels });

export const CatalogueView = z
  .object({
    qualities: z.array(
      Item.extend({
        applications: z.array(z.string()),
        dataFields: z.array(z.object({ name: z.string(), required: z.boolean(), labels: Labels })),
      }),
    ),
    applications: z.array(Item),
    declarationTypes: z.array(Item),
    roleKinds: z.array(Item),
    languages: z.array(Item),
  })
  .meta({ id: 'Catalogue' });
export type CatalogueView = z.infer<typeof CatalogueView>;

/** The catalogue, built once from the domain's codes and the message catalogues. */
export function buildCatalogue(): CatalogueView {
  return {
    qualities: QUALITY_TYPES.map((code) => ({
      code,
      labels: labelsOf('qualities', code),
      applications: [...APPLICATIONS_BY_QUALITY[code]],
      dataFields: QUALITY_DATA_FIELDS[code].map((f) => ({ name: f.name, required: f.required, labels: labelsOf('qualityFields', f.name) })),
    })),
    applications: APPLICATIONS.map((code) => ({ code, labels: labelsOf('applications', code) })),
    declarationTypes: DECLARATION_TYPES.map((code) => ({ code, labels: labelsOf('declarationTypes', code) })),
    roleKinds: ROLE_KINDS.map((code) => ({ code, labels: labelsOf('roleKinds', code) })),
    languages: LANGUAGES.map((code) => ({ code, labels: labelsOf('languages', code) })),
  };
}
