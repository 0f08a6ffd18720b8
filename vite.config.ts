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
  // Relative asset paths: the built site works from any folder of any static server, offline.
  base: './',
  build: {
    outDir: 'dist',
    sourcemap: true,
    // React + xterm.js are ~560 kB minified; one chunk is fine for a local lab.
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      // The rules and explanations only define values: importing them does nothing else, so the
      // first chunk need not load them just because the kernel's index re-exports them.
      treeshake: {
        moduleSideEffects: (id: string) => !/src[\\/]kernel-sim[\\/](rules|explain)\.ts$/.test(id),
      },
      output: {
        codeSplitting: {
          groups: [
            // The rules' texts and the event explanations are only for the event log, which is
            // loaded after the first paint; kept in their own chunk they stay off the first load.
            {
              name: 'explain',
              test: /src[\\/]kernel-sim[\\/](rules|explain)\.ts$/,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
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
