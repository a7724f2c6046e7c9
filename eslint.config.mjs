// ESLint flat config. Module boundaries are enforced by tags in each project.json:
//   type:app    -> may import type:domain and type:util libraries, never another app
//   type:domain -> may import type:domain and type:util
//   type:util   -> technical libraries; may import only other type:util
//   scope:shared is importable by everyone and imports only scope:shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      '.nx/**',
      '.data/**',
      'coverage/**',
      'test/fixtures/lint-violation/**',
      'libs/persistence/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ccx/*/src/*', '@ccx/*/src'],
              message: 'Import a library through its public entry (@ccx/<lib>).',
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
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'scope:control-plane',
              onlyDependOnLibsWithTags: ['scope:control-plane', 'scope:shared'],
            },
            {
              sourceTag: 'scope:api',
              onlyDependOnLibsWithTags: ['scope:control-plane', 'scope:shared'],
            },
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: [
                'scope:control-plane',
                'scope:media',
                'scope:sbc',
                'scope:shared',
              ],
            },
            {
              sourceTag: 'scope:sbc',
              onlyDependOnLibsWithTags: ['scope:sbc', 'scope:media', 'scope:shared'],
            },
            { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:media', 'scope:shared'] },
            {
              sourceTag: 'scope:routing',
              onlyDependOnLibsWithTags: ['scope:routing', 'scope:shared'],
            },
            {
              sourceTag: 'scope:presence',
              onlyDependOnLibsWithTags: ['scope:presence', 'scope:shared'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: globals.node,
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
