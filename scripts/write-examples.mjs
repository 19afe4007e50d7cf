// `npm run examples:write`: the OpenAPI examples of the run request, a persona and the trust
// payload, from one real CLI run (after a build). The request is the source; the persona and the
// payload are what `generate` gives for it. test/contract/openapi-examples.test.ts runs the same
// command again and fails when the persona or the payload's hashes no longer match.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = fileURLToPath(new URL('../openapi/examples/', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const request = { n: 5, profile: 'narrative_required', seed: 20261202, traits: true };
const scratch = mkdtempSync(join(tmpdir(), 'mp-examples-'));
try {
  const dataset = join(scratch, 'dataset.ndjson');
  const payload = join(scratch, 'payload.json');
  const args = ['generate', '-n', String(request.n), '-p', request.profile, '-s', String(request.seed), '--traits', '-o', dataset, '--payload', payload];
  execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } });
  const persona = JSON.parse(readFileSync(dataset, 'utf8').split('\n')[0]);
  const write = (name, value) => writeFileSync(join(examples, name), `${JSON.stringify(value, null, 2)}\n`);
  write('run-request.json', request);
  write('persona.json', persona);
  write('trust-payload.json', JSON.parse(readFileSync(payload, 'utf8')));
  process.stdout.write(`wrote ${examples}{run-request,persona,trust-payload}.json\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
