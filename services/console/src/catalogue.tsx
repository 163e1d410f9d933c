/**
 * Labels of codes (qualities, applications, declaration types, role kinds) in the chosen language:
 * from the API's catalogue when it answers, else from the same catalogues bundled from
 * libs/contracts (one source for both), and never a bare code: an unknown code is shown with a
 * generic word in front of it.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Catalogue } from './api.js';
import { useSession, type Language } from './session.js';
import { de } from '@um/contracts/i18n/de';
import { en } from '@um/contracts/i18n/en';
import { fr } from '@um/contracts/i18n/fr';
import type { Messages } from '@um/contracts/i18n/messages';
import { nl } from '@um/contracts/i18n/nl';

const BUNDLED: Record<Language, Messages> = { fr, nl, de, en };

/** A code's name in a language from the bundled catalogues (also the names of quality data fields). */
export function bundledLabel(language: Language, kind: CodeKind | 'qualityFields', code: string): string | undefined {
  return (BUNDLED[language][kind] as Record<string, string>)[code];
}

export type CodeKind = 'qualities' | 'applications' | 'declarationTypes' | 'roleKinds';

const Ctx = createContext<Catalogue | undefined>(undefined);

export function CatalogueProvider({ children }: { children: ReactNode }) {
  const [catalogue, setCatalogue] = useState<Catalogue>();
  useEffect(() => {
    void api.catalogue().then((r) => {
      if (r.ok && r.data && Array.isArray(r.data.qualities)) setCatalogue(r.data);
    });
  }, []);
  return <Ctx.Provider value={catalogue}>{children}</Ctx.Provider>;
}

export function useCatalogue(): { label(kind: CodeKind, code: string | undefined | null): string; fieldLabel(field: string): string; applicationsOf(quality: string): string[] | undefined } {
  const catalogue = useContext(Ctx);
  const { language } = useSession();
  const { t } = useTranslation();
  return {
    label(kind, code) {
      if (!code) return '—';
      const item = catalogue?.[kind]?.find((i) => i.code === code);
      const fromApi = item?.labels?.[language];
      if (fromApi) return fromApi;
      return bundledLabel(language, kind, code) ?? t('codes.unknown', { code });
    },
    /** A quality data field's name (contact e-mail, registry numbers); an unknown one by its key. */
    fieldLabel(field) {
      return bundledLabel(language, 'qualityFields', field) ?? field;
    },
    applicationsOf(quality) {
      return catalogue?.qualities.find((i) => i.code === quality)?.applications;
    },
  };
}
