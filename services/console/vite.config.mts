import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The credential rules come from libs/domain's sources (one implementation, checked as people type);
// contracts are imported for their types only.
export default defineConfig({
  plugins: [react()],
  base: '/',
  resolve: {
    alias: { '@um/domain': fileURLToPath(new URL('../../libs/domain/src/index.ts', import.meta.url)) },
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
