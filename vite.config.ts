import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const server = 'http://localhost:3000';

/** The dashboard: built into web/dist (served by the app), or served by `vite` in development with the API proxied. */
export default defineConfig({
  root: 'web',
  plugins: [react(), tailwindcss()],
  // Absolute, since a relative outDir resolves against `root`: this is <repo>/web/dist, which the app serves.
  build: {
    outDir: fileURLToPath(new URL('./web/dist', import.meta.url)),
    emptyOutDir: true,
    // Each page is its own chunk (loaded when first opened, see web/src/lib/featurePages.ts); the
    // libraries go in one chunk of their own, which stays cached across releases of the app's code.
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: (id: string) => (id.includes('/node_modules/') ? 'vendor' : null) }] } },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/trpc': { target: server, ws: true },
      '/api': server,
      '/health': server,
      '/ready': server,
    },
  },
});
