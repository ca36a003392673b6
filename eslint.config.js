// Lint: TypeScript's recommended rules, plus the import direction STYLE.md fixes:
// app → lib/api → lib/<domain> → lib/engine, and a pure engine core. One block per layer; a file gets one
// import rule, so the `files` of the layer blocks below never overlap.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What pages, route handlers and the CLI reach the database through: the store's named reads and actions
// (api-*.ts, ui-*.ts, dag-admin.ts, …), never SQL text, a driver, the generated Prisma client or the run store.
const STORE_INTERNALS = {
  paths: [
    ...['pg', '@electric-sql/pglite', '@prisma/client', '@prisma/adapter-pg', 'pglite-prisma-adapter'].map((name) => ({
      name,
      message: 'Database drivers stay in lib/store: call a named store function instead.',
    })),
  ],
  patterns: [
    {
      group: [
        '**/store/run-store/**', '**/store/generated/**', '**/store/sql-client', '**/store/database-types',
        '**/store/open-pglite', '**/store/open-postgres', '**/store/pglite-*', '**/store/migrate', '**/store/api-paging',
        '**/postgres/**',
      ],
      message: 'Store internals: call a named store function (lib/store/api-*.ts, ui-*.ts, …) or go through lib/runtime.',
    },
    {
      // The handle's types travel as parameters; opening a database is lib/runtime's job.
      group: ['**/store/database'],
      allowTypeImports: true,
      message: 'Open the database through lib/runtime; only the SqlClient / Database types may be imported here.',
    },
  ],
};

// SQL text handed to SqlClient.query / exec, or to Prisma's raw escapes: SQL written here instead of in lib/store.
const SQL_MESSAGE = 'SQL lives in lib/store (or the domain that owns the table), not in pages, handlers, ops or the CLI.';
const NO_SQL_TEXT = [
  {
    selector: "CallExpression[callee.property.name=/^(query|exec|[$](query|execute)RawUnsafe)$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
    message: SQL_MESSAGE,
  },
  { selector: "TaggedTemplateExpression[tag.property.name=/^[$](query|execute)Raw$/]", message: SQL_MESSAGE },
];

const ENV_AT_THE_EDGE = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Configuration is read once at the edge (lib/runtime/config.ts) and passed down.',
};

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
          {
            group: [
              '**/store/**', '**/runtime/**', '**/executors/**', '**/api/**', '**/ops/**', '**/cli/**', '**/app/**',
              '**/dag-processing/**', '**/flashcards/**', '**/llm/**', '**/operators/**', '**/hooks/**', '**/secrets/**',
              '**/connections/**', '**/postgres/**', '**/sdk/**',
            ],
            message: 'lib/engine imports only lib/kernel and itself: it is the layer every domain builds on.',
          },
        ],
      }],
    },
  },
  {
    // The shared kernel (errors, clock, retry policy, zod messages) sits below the engine: it imports only zod.
    files: ['lib/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '!./*'], message: 'lib/kernel imports nothing of the app: it is the floor every layer stands on.' }],
      }],
    },
  },
  {
    // The top floor: pages, route handlers, the API layer and the CLI call the store's named functions.
    files: ['app/**/*.{ts,tsx}', 'lib/api/**/*.ts', 'lib/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', STORE_INTERNALS],
    },
  },
  {
    // What task code runs (hooks, operators) and the LLM client: below the store and the processes that own it.
    // They reach the database only through services (ctx.services), never by importing it.
    files: ['lib/hooks/**/*.ts', 'lib/operators/**/*.ts', 'lib/llm/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: '@prisma/client', message: 'Persistence belongs to lib/store.' }],
        patterns: [{
          group: ['**/store/**', '**/runtime/**', '**/api/**', '**/ops/**', '**/cli/**', '**/app/**'],
          message: 'hooks, operators and llm sit below the store and the processes: ask a service, or move the shared piece down.',
        }],
      }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    // The edges: process entry points (server, CLI) and the task runner, which hands its env to tasks.
    ignores: ['lib/runtime/**', 'lib/cli/**', 'lib/executors/local/**'],
    rules: {
      'no-restricted-syntax': ['error', ENV_AT_THE_EDGE],
    },
  },
  {
    // After the process.env block: a file gets one no-restricted-syntax, so lib/api keeps both fences.
    files: ['app/**/*.{ts,tsx}', 'lib/cli/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_SQL_TEXT] },
  },
  {
    // lib/ops owns the auth tables, which it reaches through Prisma's typed client, never SQL text.
    files: ['lib/api/**/*.ts', 'lib/ops/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_SQL_TEXT, ENV_AT_THE_EDGE] },
  },
);
