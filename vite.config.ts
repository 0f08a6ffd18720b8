import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: '.',
  publicDir: 'public',
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: false,
  },
  preview: {
    port: 4173,
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    // React + xterm.js are ~560 kB minified; one chunk is fine for a local lab.
    chunkSizeWarningLimit: 800,
  },
  test: {
    include: [
      'src/**/*.test.ts',
      'scenarios/**/*.test.ts',
      'app/**/*.test.{ts,tsx}',
      'fidelity/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
  },
});
