import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The credential rules come from libs/domain's sources (one implementation, checked as people type);
// the names of codes from libs/contracts' message catalogues (plain objects, one per language) and
// the administrative event kinds (a plain object too);
// everything else of contracts is imported for its types only.
export default defineConfig({
  plugins: [react()],
  base: '/',
  resolve: {
    alias: {
      '@um/domain': fileURLToPath(new URL('../../libs/domain/src/index.ts', import.meta.url)),
      '@um/contracts/i18n': fileURLToPath(new URL('../../libs/contracts/src/i18n', import.meta.url)),
      '@um/contracts/event-kinds': fileURLToPath(new URL('../../libs/contracts/src/event-kinds.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // No inline data: URLs, so the console's CSP needs no exception for them.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
