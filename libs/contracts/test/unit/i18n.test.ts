import { APPLICATIONS, DECLARATION_TYPES, LANGUAGES, QUALITY_TYPES, ROLE_KINDS } from '@um/domain';
import { CATALOGUES, ErrorCodes, buildCatalogue, negotiateLanguage, problemText } from '@um/contracts';

/** Every leaf of a catalogue as `path → text`. */
function leaves(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(prefix, value);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) for (const [k, v] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
  }
  return out;
}

/** Product names, the same in every language. */
const PROPER_NAMES = new Set(['applications.dimona', 'applications.dmfa', 'applications.mahis', 'applications.mycarenet']);

describe('message catalogues', () => {
  const english = leaves(CATALOGUES.en);

  test('when the catalogues are compared, then every key exists in all four languages and none is empty', () => {
    for (const language of LANGUAGES) {
      const own = leaves(CATALOGUES[language]);
      expect({ language, keys: [...own.keys()].sort() }).toEqual({ language, keys: [...english.keys()].sort() });
      for (const [key, text] of own) expect({ language, key, empty: text.trim() === '' }).toEqual({ language, key, empty: false });
    }
  });

  test('when French, Dutch or German is read, then no message is left in English (product names aside)', () => {
    for (const language of ['fr', 'nl', 'de'] as const) {
      const own = leaves(CATALOGUES[language]);
      const untranslated = [...own].filter(([key, text]) => !PROPER_NAMES.has(key) && text === english.get(key)).map(([key]) => key);
      expect({ language, untranslated }).toEqual({ language, untranslated: [] });
    }
  });

  test('when a problem code is looked up, then every code of ErrorCodes has a title and a message in each language', () => {
    for (const code of Object.keys(ErrorCodes)) {
      for (const language of LANGUAGES) {
        const text = problemText(language, code);
        expect(text.title.length).toBeGreaterThan(0);
        expect(text.message.length).toBeGreaterThan(0);
      }
    }
  });

  test('when the manual names a quality or a role, then the catalogue uses its French name and the official Dutch and German terms', () => {
    expect(CATALOGUES.fr.qualities['full-service-secretariat']).toBe('Secrétariat Full Service');
    expect(CATALOGUES.fr.qualities['hospital-care-provider']).toBe('Prestataire de soins : hôpital');
    expect([CATALOGUES.fr.roleKinds['local-manager'], CATALOGUES.nl.roleKinds['local-manager'], CATALOGUES.de.roleKinds['local-manager']]).toEqual([
      'Gestionnaire Local',
      'Lokale Beheerder',
      'Lokaler Verwalter',
    ]);
  });
});

describe('the catalogue answer', () => {
  test('when it is built, then it lists every code of the domain with labels in the four languages', () => {
    const catalogue = buildCatalogue();
    expect(catalogue.qualities.map((q) => q.code)).toEqual([...QUALITY_TYPES]);
    expect(catalogue.applications.map((a) => a.code)).toEqual([...APPLICATIONS]);
    expect(catalogue.declarationTypes.map((d) => d.code)).toEqual([...DECLARATION_TYPES]);
    expect(catalogue.roleKinds.map((r) => r.code)).toEqual([...ROLE_KINDS]);
    const employer = catalogue.qualities.find((q) => q.code === 'employer')!;
    expect(employer.applications).toEqual(['dimona', 'dmfa', 'drs', 'ebox']);
    expect(employer.dataFields.map((f) => [f.name, f.required])).toEqual([['contactEmail', false], ['employerRegistrationNumber', true]]);
    expect(employer.labels).toEqual({ fr: 'Employeur', nl: 'Werkgever', de: 'Arbeitgeber', en: 'Employer' });
  });
});

describe('negotiateLanguage', () => {
  test.each([
    [undefined, undefined],
    ['', undefined],
    ['nl', 'nl'],
    ['fr-BE,fr;q=0.9,en;q=0.8', 'fr'],
    ['en;q=0.5, de;q=0.9', 'de'],
    ['es, it;q=0.9, nl;q=0.1', 'nl'],
    ['de;q=0, en', 'en'],
    ['*', undefined],
    ['es', undefined],
    ['NL-be', 'nl'],
  ])('when Accept-Language is %p, then %p', (header, language) => {
    expect(negotiateLanguage(header)).toBe(language);
  });
});
