// The example persona of docs/fields.md is what the CLI prints for the command the doc names:
// the command runs in-process (real worker threads from dist/, the shipped snapshot) and its one
// NDJSON line, rendered as the doc renders it, must equal the doc's block. A change to the engine,
// the snapshot or the generator version makes it fail: run `node scripts/gen-field-doc.mjs`.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PROCESS_RUNTIME } from '../../src/cli/cli-run.js';
import { createGenerateCommand } from '../../src/cli/commands/generate.js';
import { runCli } from '../../src/cli/run-cli.js';
import { PersonaSchema } from '../../src/domain/persona.js';
import { exampleBlock, FIELD_DOC_EXAMPLE_ARGV } from '../../src/runs/field-doc.js';

const doc = readFileSync(new URL('../../docs/fields.md', import.meta.url), 'utf8');
const block = /<!-- BEGIN GENERATED: example -->\n([\s\S]*?)\n<!-- END GENERATED: example -->/.exec(doc)?.[1];

describe('docs/fields.md example persona', () => {
  it('is the persona `moldova-personas ' + FIELD_DOC_EXAMPLE_ARGV.join(' ') + '` prints', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'field-doc-example-'));
    try {
      let out = '';
      const stdout = new PassThrough().setEncoding('utf8');
      stdout.on('data', (chunk: string) => (out += chunk));
      const stderr = new PassThrough();
      stderr.resume();
      const runtime = {
        ...PROCESS_RUNTIME,
        workerFile: resolve('dist/workers/generation-worker-entry.cjs'),
        signals: new EventEmitter() as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
        tempDirectory: dataDir,
      };
      const env = { PXWEB_MODE: 'off', WORKERS: '1', LOG_LEVEL: 'silent', DATA_DIR: join(dataDir, 'data') };
      const code = await runCli(FIELD_DOC_EXAMPLE_ARGV, { env, stdout, stderr }, [createGenerateCommand(runtime)]);
      expect(code).toBe(0);
      const lines = out.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      PersonaSchema.parse(JSON.parse(lines[0]!));
      expect(block, 'docs/fields.md: run `npm run build && node scripts/gen-field-doc.mjs`').toBe(exampleBlock(lines[0]!));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
