// Flat config: typescript-eslint's recommended rules over src/, test/ and bench/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', 'bench/results/**', '**/*.local.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config (loadConfig), not process.env.',
        },
      ],
    },
  },
  {
    // Config is the only reader of the environment; tests and bench start processes with an env.
    files: ['src/config/**', 'test/**', 'bench/**', 'scripts/**', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // The layers (docs/decisions/0002): each folder imports only the floors below it.
  //   domain → (config, census) → generation → (narratives, trust) → workers → runs → (http, cli)
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./|\\.\\./errors\\.js$)', message: 'src/domain is the ground floor: it imports only zod and src/errors.ts.' }] }],
    },
  },
  ...layer('census', ['generation', 'narratives', 'trust', 'workers', 'runs', 'http', 'cli']),
  ...layer('generation', ['config', 'narratives', 'trust', 'workers', 'runs', 'http', 'cli']),
  ...layer('narratives', ['census', 'generation', 'trust', 'workers', 'runs', 'http', 'cli']),
  ...layer('trust', ['narratives', 'workers', 'runs', 'http', 'cli']),
  ...layer('workers', ['trust', 'runs', 'http', 'cli']),
  ...layer('runs', ['http', 'cli']),
  ...layer('http', ['cli']),
);

/** A folder of src/ that must not import the named folders (above it, or beside it). */
function layer(folder, forbidden) {
  return [
    {
      files: [`src/${folder}/**`],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [{ group: forbidden.map((name) => `**/${name}/*`), message: `src/${folder} must not import from ${forbidden.join(', ')} (see the layers in eslint.config.js).` }] },
        ],
      },
    },
  ];
}

