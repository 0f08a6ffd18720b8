// ESLint flat config. Besides the usual checks it enforces the project's
// architecture: the model in src/ is pure and deterministic, the kernel model
// is self-contained, scenarios are data, and only app/ touches the DOM.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = '**/*.{ts,tsx,mts,cts}';
const JS_AND_TS = '**/*.{js,mjs,cjs,ts,tsx,mts,cts}';
const TEST_FILES = ['**/*.test.{ts,tsx,mts}'];

// ---- Imports -----------------------------------------------------------------

/** UI libraries: only app/ may use them. */
const UI_IMPORTS = {
  group: [
    'react',
    'react/**',
    'react-dom',
    'react-dom/**',
    'd3',
    'd3/**',
    'd3-*',
    'd3-*/**',
    '@xterm/*',
    '@xterm/*/**',
    'zustand',
    'zustand/**',
  ],
  message:
    'src/ is the headless model: UI libraries (React, d3, xterm.js, zustand) belong in app/ only.',
};

/** Relative imports that climb out of src/ into app/. */
const APP_IMPORTS = {
  regex: '^(\\.\\./)+app(/|$)',
  message: 'src/ must not depend on app/: the UI depends on the model, never the other way round.',
};

/** The kernel model may import only from inside src/kernel-sim/ (no npm packages). */
function kernelSimImportRule(depth, isTest) {
  const up = `(\\.\\./){${depth + 1}}`;
  const allowedPackages = isTest ? '(?!vitest($|/)|fast-check($|/)|node:)' : '';
  return [
    'error',
    {
      patterns: [
        {
          regex: `^${up}(?!kernel-sim(/|$))`,
          message:
            'src/kernel-sim/ is self-contained: import only from inside src/kernel-sim/ (no other src/ folder, no app/).',
        },
        {
          regex: `^${allowedPackages}[^./]`,
          message: isTest
            ? 'Tests of src/kernel-sim/ may import only vitest, fast-check, node: builtins and src/kernel-sim/.'
            : 'src/kernel-sim/ is self-contained: no npm packages or Node builtins.',
        },
        { regex: '^/', message: 'Use relative imports inside src/kernel-sim/.' },
      ],
    },
  ];
}

// ---- Globals and determinism -------------------------------------------------

const DETERMINISM =
  'The kernel model must be deterministic: use the virtual clock and the seeded random source of the model instead.';

const DOM_GLOBALS = [
  { name: 'window', message: 'src/ has no DOM: only app/ may use window.' },
  { name: 'document', message: 'src/ has no DOM: only app/ may use document.' },
  { name: 'navigator', message: 'src/ has no DOM: only app/ may use navigator.' },
  { name: 'localStorage', message: 'src/ has no DOM: persistence belongs in app/.' },
  { name: 'sessionStorage', message: 'src/ has no DOM: persistence belongs in app/.' },
  {
    name: 'requestAnimationFrame',
    message: `Animation frames belong in app/. ${DETERMINISM}`,
  },
];

const TIME_GLOBALS = [
  { name: 'setTimeout', message: `Real timers are not allowed in src/. ${DETERMINISM}` },
  { name: 'setInterval', message: `Real timers are not allowed in src/. ${DETERMINISM}` },
  { name: 'clearTimeout', message: `Real timers are not allowed in src/. ${DETERMINISM}` },
  { name: 'clearInterval', message: `Real timers are not allowed in src/. ${DETERMINISM}` },
  { name: 'performance', message: `Wall-clock time is not allowed in src/. ${DETERMINISM}` },
  { name: 'Date', message: `Wall-clock time is not allowed in src/. ${DETERMINISM}` },
];

const DETERMINISM_PROPERTIES = [
  'error',
  {
    object: 'Math',
    property: 'random',
    message: `Math.random() is not allowed in src/. ${DETERMINISM}`,
  },
  { object: 'Date', property: 'now', message: `Date.now() is not allowed in src/. ${DETERMINISM}` },
];

const DETERMINISM_SYNTAX = [
  'error',
  {
    selector: "NewExpression[callee.name='Date']",
    message: `new Date() is not allowed in src/. ${DETERMINISM}`,
  },
];

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'e2e/screenshots/',
      'bench/.build/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: [TS] })),
  {
    files: [TS],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },

  // Node: tooling, configs, scripts, tests, benchmarks, the CLI.
  {
    files: [
      '*.{js,mjs,cjs,ts}',
      'bin/**',
      'scripts/**',
      'e2e/**',
      'bench/**',
      'fidelity/**',
      '.ci/**',
      'src/cli/**',
      ...TEST_FILES,
    ],
    languageOptions: { globals: { ...globals.node } },
  },

  // app/: the browser UI.
  {
    files: ['app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    ...reactHooks.configs.flat['recommended-latest'],
  },

  // src/: the headless, deterministic model and terminal logic.
  {
    files: [`src/${JS_AND_TS}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [UI_IMPORTS, APP_IMPORTS] }],
      'no-restricted-globals': ['error', ...DOM_GLOBALS, ...TIME_GLOBALS],
      'no-restricted-properties': DETERMINISM_PROPERTIES,
      'no-restricted-syntax': DETERMINISM_SYNTAX,
    },
  },

  // src/cli/: a Node command-line entry. Node APIs and process are fine; UI and DOM are not.
  {
    files: [`src/cli/${JS_AND_TS}`],
    rules: {
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
      'no-restricted-properties': 'off',
      'no-restricted-syntax': 'off',
    },
  },

  // Tests under src/ may use vitest, fast-check and Node builtins (spawning the CLI,
  // reading files), but still no DOM and no UI libraries.
  {
    files: TEST_FILES.map((f) => `src/${f}`),
    rules: {
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },

  // src/kernel-sim/: imports only from inside src/kernel-sim/ (one config per folder depth,
  // because "leaving the folder" depends on how deep the importing file is).
  ...[0, 1, 2, 3, 4, 5].flatMap((depth) => {
    const dir = `src/kernel-sim/${'*/'.repeat(depth)}`;
    return [
      {
        files: [`${dir}*.{js,mjs,ts,tsx,mts}`],
        ignores: TEST_FILES,
        rules: { 'no-restricted-imports': kernelSimImportRule(depth, false) },
      },
      {
        files: [`${dir}*.test.{ts,tsx,mts}`],
        rules: { 'no-restricted-imports': kernelSimImportRule(depth, true) },
      },
    ];
  }),

  // scenarios/: data only. Type-only imports from src/ are allowed, nothing else.
  {
    files: [`scenarios/${JS_AND_TS}`],
    ignores: TEST_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/',
              allowTypeImports: true,
              message: 'scenarios/ are data: use `import type` for types from src/.',
            },
            {
              regex: '^(?!(\\.\\./)+src/)',
              message: 'scenarios/ are data: they may only `import type` from src/.',
            },
          ],
        },
      ],
    },
  },
);
