// Flat config: typed linting (so promise rules can see types) plus Nx module boundaries by tag.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.next/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'tools/**',
      '**/vitest.config.ts',
      'vitest.shared.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testkit'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:lib'] },
            {
              sourceTag: 'type:tooling',
              onlyDependOnLibsWithTags: ['type:lib', 'type:tooling', 'type:testkit'],
            },
          ],
        },
      ],
    },
  },
  {
    // Tests boot sibling services in-process (checkout's tests start product and payment),
    // so project boundaries are enforced for production code only; and test clients read
    // untyped JSON bodies on purpose.
    files: ['**/test/**/*.ts', 'libs/testkit/src/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
