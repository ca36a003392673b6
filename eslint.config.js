// Lint: TypeScript's recommended rules, plus the import direction STYLE.md fixes:
// app → lib/api → lib/<domain> → lib/engine, and a pure engine core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'lib/store/generated/**', 'next-env.d.ts', '.flashflow/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['lib/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'node:child_process', message: 'The engine core is pure: processes belong to lib/executors.' },
          { name: 'child_process', message: 'The engine core is pure: processes belong to lib/executors.' },
          { name: 'next', message: 'The engine core must not depend on the web framework.' },
          { name: 'openai', message: 'LLM access belongs to lib/llm.' },
          { name: '@prisma/client', message: 'Persistence goes through the RunStore port.' },
        ],
        patterns: [
          { group: ['next/*'], message: 'The engine core must not depend on the web framework.' },
          { group: ['**/store/**', '**/runtime/**', '**/executors/**', '**/api/**', '**/ops/**', '**/app/**'], message: 'lib/engine is the bottom layer; it imports nothing above it.' },
        ],
      }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    // The edges: process entry points (server, CLI) and the task runner, which hands its env to tasks.
    ignores: ['lib/runtime/**', 'lib/cli/**', 'lib/executors/local/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.name='process'][property.name='env']",
        message: 'Configuration is read once at the edge (lib/runtime/config.ts) and passed down.',
      }],
    },
  },
);
