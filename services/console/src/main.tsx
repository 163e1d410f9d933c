import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import './i18n/index.js';
import './styles.css';
import { App } from './App.js';
import { CatalogueProvider } from './catalogue.js';
import { SessionProvider } from './session.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <CatalogueProvider>
          <App />
        </CatalogueProvider>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
