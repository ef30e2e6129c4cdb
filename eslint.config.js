import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The domains, one folder each under src/domains. */
const domains = readdirSync(new URL('./src/domains', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** What puts the process together from the manifests: no domain, platform or toolkit file may import it. */
const compositionRoot = {
  regex: '^(\\.\\./)+(services|app|server|bootstrap|main|trpc/app-router|domains/modules|domains/demo-data)$',
  message: 'Only the composition root (services, app, server, bootstrap, the app router) imports the manifests and the process.',
};

/**
 * Boundaries: the platform, the database layer and the REST toolkit know no domain; a domain reaches
 * another only through that domain's index.ts (or through events).
 */
const boundaries = [
  {
    files: ['src/platform/**/*.ts', 'src/db/**/*.ts', 'src/rest/**/*.ts', 'src/trpc/**/*.ts'],
    ignores: ['src/trpc/app-router.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)domains(/|$)',
              message: 'The platform, src/db, src/rest and src/trpc import no domain; domains plug in through their manifest.',
            },
            compositionRoot,
          ],
        },
      ],
    },
  },
  ...domains.map((domain) => ({
    files: [`src/domains/${domain}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${domains.filter((other) => other !== domain).join('|')})/`,
              message: `Reach another domain only through its index.ts (import from '../<domain>'), or through events.`,
            },
            { regex: '^(\\.\\./)+(modules|demo-data)$', message: compositionRoot.message },
            compositionRoot,
          ],
        },
      ],
    },
  })),
];

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'web/dist', 'coverage', '.bench'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The dashboard: rules of hooks and the React Compiler's checks (react-hooks 7).
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    // Migrations are frozen in time and typed Kysely<any> on purpose (Kysely docs).
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...boundaries,
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
