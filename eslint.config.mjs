// Lint for correctness, not style: floating promises and unsafe patterns are
// what break a migration runner; formatting is left to the editor.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error'
    }
  },
  {
    files: ['__tests__/**/*.ts', 'scripts/**/*.mjs', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' }
  }
)
