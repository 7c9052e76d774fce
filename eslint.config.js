// `npm run lint` (after `prettier --check`): ESLint's and typescript-eslint's recommended rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'models/', 'pretrained/', 'test/__snapshots__/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // A terminal app reads and writes escape sequences: matching ESC and BEL is its job.
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Tests spoil saved JSON files on purpose, editing whatever shape they parse to.
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The build scripts and the kernel generator run under Node as plain ES modules.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
  },
);
