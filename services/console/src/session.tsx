/**
 * The signed-in person's session: token, roles offered at login, the chosen role and its
 * capabilities, the language. Kept in sessionStorage so a reload or a deep link stays signed in
 * within the tab, and dropped at logout.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import i18n from './i18n/index.js';
import { api, setApiLanguage, setToken, setUnauthorizedHandler, type Role } from './api.js';

export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

interface Stored {
  token?: string;
  roles: Role[];
  role?: Role;
  capabilities: string[];
  quality?: string;
  passwordChangeRequired?: boolean;
  /** Why the person was sent back to the login screen, shown there. */
  ended?: 'session' | 'password-changed';
}

interface SessionValue extends Stored {
  language: Language;
  setLanguage(language: Language): void;
  signIn(token: string, roles: Role[], passwordChangeRequired?: boolean): void;
  choose(token: string, role: Role, capabilities: string[]): void;
  setQuality(quality: string | undefined): void;
  /** The session is over without a logout call (the API ended it): back to the login screen. */
  expire(reason: 'session' | 'password-changed'): void;
  signOut(): Promise<void>;
  can(...capabilities: string[]): boolean;
}

const KEY = 'um-console-session';
const LANGUAGE_KEY = 'um-console-language';
const Ctx = createContext<SessionValue | undefined>(undefined);

function load(): Stored {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw) return JSON.parse(raw) as Stored;
  } catch {
    // a damaged entry is as good as none
  }
  return { roles: [], capabilities: [] };
}

export function browserLanguage(): Language {
  const stored = sessionStorage.getItem(LANGUAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of navigator.languages ?? []) {
    const base = tag.slice(0, 2).toLowerCase();
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'fr';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  // The API client gets the stored token and the language at once: the screen of a reloaded page or
  // a deep link calls the API in its first effects, which run before this provider's own.
  const [state, setState] = useState<Stored>(() => {
    const stored = load();
    setToken(stored.token);
    return stored;
  });
  const [language, setLang] = useState<Language>(() => {
    const initial = browserLanguage();
    setApiLanguage(initial);
    return initial;
  });

  useEffect(() => {
    setToken(state.token);
    sessionStorage.setItem(KEY, JSON.stringify(state));
  }, [state]);

  useEffect(() => {
    setApiLanguage(language);
    sessionStorage.setItem(LANGUAGE_KEY, language);
    document.documentElement.lang = language;
    void i18n.changeLanguage(language);
  }, [language]);

  // Set when the person picks a language after logging in: the answer of /me, if it comes later,
  // must not take it back.
  const pickedAfterLogin = useRef(false);
  const pickLanguage = useCallback((l: Language) => {
    pickedAfterLogin.current = true;
    setLang(l);
  }, []);

  const signIn = useCallback((token: string, roles: Role[], passwordChangeRequired?: boolean) => {
    setToken(token);
    setState({ token, roles, capabilities: [], passwordChangeRequired });
    // The person's own language becomes the console's, unless they switch. (A person who must
    // change their password first is refused everything else, /me included.)
    if (passwordChangeRequired) return;
    pickedAfterLogin.current = false;
    void api.me().then((r) => {
      if (!pickedAfterLogin.current && r.ok && (LANGUAGES as readonly string[]).includes(r.data.language)) setLang(r.data.language as Language);
    });
  }, []);

  const choose = useCallback((token: string, role: Role, capabilities: string[]) => {
    setToken(token);
    setState((s) => ({ ...s, token, role, capabilities, quality: role.quality }));
  }, []);

  const expire = useCallback((reason: 'session' | 'password-changed') => {
    setToken(undefined);
    setState({ roles: [], capabilities: [], ended: reason });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => expire('session'));
    return () => setUnauthorizedHandler(undefined);
  }, [expire]);

  const signOut = useCallback(async () => {
    if (state.token) await api.logout();
    setToken(undefined);
    setState({ roles: [], capabilities: [] });
  }, [state.token]);

  const value = useMemo<SessionValue>(
    () => ({
      ...state,
      language,
      setLanguage: pickLanguage,
      signIn,
      choose,
      setQuality: (quality) => setState((s) => ({ ...s, quality })),
      expire,
      signOut,
      can: (...caps) => caps.some((c) => state.capabilities.includes(c)),
    }),
    [state, language, pickLanguage, signIn, choose, expire, signOut],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(Ctx);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
