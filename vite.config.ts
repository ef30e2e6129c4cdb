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
  build: { outDir: fileURLToPath(new URL('./web/dist', import.meta.url)), emptyOutDir: true },
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
