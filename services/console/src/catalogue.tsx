/**
 * Labels of codes (qualities, applications, declaration types, role kinds) in the chosen language:
 * from the API's catalogue when it answers, else from the console's own translations, and never
 * a bare code: an unknown code is shown with a generic word in front of it.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Catalogue } from './api.js';
import { useSession } from './session.js';

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

export function useCatalogue(): { label(kind: CodeKind, code: string | undefined | null): string; applicationsOf(quality: string): string[] | undefined } {
  const catalogue = useContext(Ctx);
  const { language } = useSession();
  const { t } = useTranslation();
  return {
    label(kind, code) {
      if (!code) return '—';
      const item = catalogue?.[kind]?.find((i) => i.code === code);
      const fromApi = item?.labels?.[language];
      if (fromApi) return fromApi;
      return t(`codes.${kind}.${code}`, { defaultValue: t('codes.unknown', { code }) });
    },
    applicationsOf(quality) {
      return catalogue?.qualities.find((i) => i.code === quality)?.applications;
    },
  };
}
