// ESLint 9 flat config for the Lekha monorepo.
// - typescript-eslint "recommended" (non type-aware, so a full lint stays fast) for every .ts file;
// - @nx/enforce-module-boundaries driven by the tags in each project.json;
// - `no-explicit-any` stays an error: the only way out is an eslint-disable comment that says why
//   (`// eslint-disable-next-line @typescript-eslint/no-explicit-any -- <reason>`), checked by lekha/any-needs-reason.
import { defineConfig } from 'eslint/config';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];

/** Framework packages the contracts lib must never touch (zod is fine). */
const FRAMEWORK_IMPORTS = [
  '@nestjs/*',
  '@mikro-orm/*',
  'kafkajs',
  'kafkajs/*',
  'express',
  'express/*',
  'passport*',
  'pino*',
];

/** Requires a `-- reason` on any eslint-disable directive that turns off no-explicit-any. */
const anyNeedsReason = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      missingReason:
        'Disabling @typescript-eslint/no-explicit-any needs a reason: `eslint-disable-next-line ' +
        '@typescript-eslint/no-explicit-any -- why`.',
    },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const m = /^\s*eslint-disable(?:-next-line|-line)?\b([^]*)$/.exec(comment.value);
          if (!m) continue;
          const sep = m[1].search(/\s--(?:\s|$)/);
          const rules = sep < 0 ? m[1] : m[1].slice(0, sep);
          const reason = sep < 0 ? '' : m[1].slice(sep).replace(/^\s--/, '');
          if (!/@typescript-eslint\/no-explicit-any\b/.test(rules)) continue;
          if (reason.trim()) continue;
          context.report({ loc: comment.loc, messageId: 'missingReason' });
        }
      },
    };
  },
};

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.cache/**', '**/.data/**', '**/.nx/**', '**/coverage/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  ...nx.configs['flat/base'],
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2024,
      sourceType: 'module',
    },
    plugins: { lekha: { rules: { 'any-needs-reason': anyNeedsReason } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'lekha/any-needs-reason': 'error',
      // Nx resolves `@lekha/x/src/...` to project x and lets it through, so deep imports are banned here.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@lekha/[^/]+/.+',
              message: 'Deep import into another project: import only from its package root (`@lekha/<name>`).',
            },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // apps never import apps (Nx also reports "Imports of apps are forbidden" on its own)
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // contracts is the leaf: no workspace deps, no framework packages
            {
              sourceTag: 'scope:contracts',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: FRAMEWORK_IMPORTS,
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
            { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
          ],
        },
      ],
    },
  },
  // Turn off stylistic rules that a formatter owns (no-op until prettier is used, harmless either way).
  prettier,
  {
    // After prettier's config, which turns max-len off. No line over 120 characters: Prettier breaks
    // code, not strings or comments, so this catches what it leaves. Only URLs are exempt; a line that
    // truly cannot be wrapped takes `// eslint-disable-next-line max-len -- <reason>`.
    files: [...TS_FILES, '**/*.mjs', '**/*.js'],
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true }] },
  },
);
