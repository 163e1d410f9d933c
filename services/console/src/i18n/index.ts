/** i18next with the console's four languages, bundled (no request for translations at run time). */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { nl } from './nl.js';

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, nl: { translation: nl }, de: { translation: de }, en: { translation: en } },
  lng: 'fr',
  fallbackLng: 'en',
  supportedLngs: ['fr', 'nl', 'de', 'en'],
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
