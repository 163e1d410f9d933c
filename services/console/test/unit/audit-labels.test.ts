/** The console names every kind of audit record and target in words, in each of its languages. */
import { ADMIN_EVENT_KINDS } from '@um/contracts';
import { de } from '../../src/i18n/de';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { nl } from '../../src/i18n/nl';

const languages = { en, fr, nl, de } as const;

describe.each(Object.entries(languages))('the console in %s', (_language, messages) => {
  const actions = messages.audit.actions as Record<string, string>;
  const targets = messages.audit.targets as Record<string, string>;

  test('when an enterprise trail record of any kind is shown, then its kind has a label', () => {
    expect(Object.keys(ADMIN_EVENT_KINDS).filter((kind) => !actions[kind])).toEqual([]);
  });

  test('when a record’s target is shown, then its type has a label', () => {
    const types = [...new Set(Object.values(ADMIN_EVENT_KINDS).map((k) => k.target))];
    expect(types.filter((type) => !targets[type])).toEqual([]);
  });
});
