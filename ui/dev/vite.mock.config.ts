// Builds dev/mock.html (the UI over the in-memory backend) as static files, to check the UI
// under the app's CSP in a plain browser: `npx vite build -c dev/vite.mock.config.ts`.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [svelte()],
  build: {
    outDir: process.env.MOCK_OUT ?? 'dist-mock',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    rollupOptions: { input: fileURLToPath(new URL('./mock.html', import.meta.url)) },
  },
});
