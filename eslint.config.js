import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is pure: no I/O, no framework, nothing from the edges (STYLE.md).
    files: ['src/core/**/*.ts'],
    // Tests beside core files may wire the real adapters (e.g. node:crypto HMAC).
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*', '!../core/*'], message: 'src/core must not import from other folders.' },
            { group: ['node:*', 'fastify*', 'kysely*', 'pg', 'better-sqlite3', 'nodemailer', 'argon2'], message: 'src/core is free of I/O and frameworks.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass the time in (Clock).' },
        { object: 'Math', property: 'random', message: 'Pass randomness in (Random).' },
      ],
    },
  },
);
