/**
 * The `moldova-personas` bin as users run it: `node dist/cli/main.js …` (built by `npm test`) in a
 * child process with only the environment we pass, its exit code, stdout, stderr and files.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonaSchema } from '../../src/domain/persona.js';
import { GradientTrustPayloadSchema } from '../../src/trust/payload-schema.js';
import { makeTempDir } from '../helpers/census.js';
import { parseCsv } from '../helpers/csv.js';
import { spawnCli } from '../helpers/server-process.js';

let temp: { dir: string; remove: () => Promise<void> };
let aux: { dir: string; remove: () => Promise<void> };
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(async () => {
  temp = await makeTempDir('cli-process');
  aux = await makeTempDir('cli-process-aux');
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await temp.remove();
  await aux.remove();
});

const env = () => ({ WORKERS: '2', DATA_DIR: join(aux.dir, 'data'), TMPDIR: aux.dir });

function start(args: readonly string[]) {
  const child = spawnCli(args, env());
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stdout, stderr }));
  return { child, done };
}

const run = (args: readonly string[]) => start(args).done;
const path = (name: string) => join(temp.dir, name);
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const payloadOf = async (name: string) => GradientTrustPayloadSchema.parse(JSON.parse(await readFile(path(name), 'utf8')));

describe('moldova-personas generate (child process)', () => {
  it('writes identical NDJSON bytes and dataset_sha256 for the same seed, and the same hash for CSV', async () => {
    const base = ['generate', '-n', '250', '-p', 'analysis_only', '-s', '2024'];
    const first = await run([...base, '-o', path('a.ndjson'), '--payload', path('a.json')]);
    const second = await run([...base, '-o', path('b.ndjson'), '--payload', path('b.json')]);
    const csv = await run([...base, '--format', 'csv', '-o', path('c.csv'), '--payload', path('c.json')]);
    for (const result of [first, second, csv]) expect(result).toMatchObject({ code: 0, stdout: '' });

    const bytesA = await readFile(path('a.ndjson'));
    const bytesB = await readFile(path('b.ndjson'));
    expect(bytesA.equals(bytesB)).toBe(true);
    const lines = bytesA.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(250);
    for (const line of lines) PersonaSchema.parse(JSON.parse(line));

    const [payloadA, payloadB, payloadC] = await Promise.all([payloadOf('a.json'), payloadOf('b.json'), payloadOf('c.json')]);
    expect(payloadA.dataset_sha256).toBe(sha256(bytesA));
    expect(payloadB.dataset_sha256).toBe(payloadA.dataset_sha256);
    expect(payloadC.dataset_sha256).toBe(payloadA.dataset_sha256);
    expect(payloadA.run_id).not.toBe(payloadB.run_id);

    const rows = parseCsv(await readFile(path('c.csv'), 'utf8'));
    expect(rows).toHaveLength(251);
    expect(rows[0]?.slice(0, 3)).toEqual(['id', 'index', 'given_name']);
    expect(rows.slice(1).map((row) => row[0])).toEqual(lines.map((line) => (JSON.parse(line) as { id: string }).id));
    expect(first.stderr).toContain(`sha256:     ${payloadA.dataset_sha256}`);
  });

  it('exits 2 for a strict high_stakes run rejected before sampling, leaving no dataset file', async () => {
    const result = await run(['generate', '-n', '500', '-p', 'high_stakes', '--scope', 'adults', '-o', path('hs.ndjson'), '--payload', path('hs.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('decision:   REJECT');
    expect(await readdir(temp.dir)).toEqual(['hs.json']);
    expect(await payloadOf('hs.json')).toMatchObject({ decision: 'REJECT', strict_mode: true, dataset_sha256: null });
  });

  it('exits 1 for a bad flag, naming it', async () => {
    const result = await run(['generate', '-n', 'many', '-p', 'analysis_only', '-o', path('x.ndjson')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('moldova-personas generate: -n/--n "many": Invalid input: expected number, received string');
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('stops on SIGINT with exit 1 and no file left', async () => {
    // The temp file appears once the signal handlers are in place and the run is under way.
    const watcher = watch(temp.dir);
    const created = once(watcher, 'change');
    const { child, done } = start(['generate', '-n', '1000000', '-p', 'analysis_only', '-o', path('big.ndjson')]);
    await created;
    watcher.close();
    child.kill('SIGINT');
    const result = await done;
    expect(result).toMatchObject({ code: 1, signal: null });
    expect(result.stderr).toContain('RUN_CANCELLED');
    expect(await readdir(temp.dir)).toEqual([]);
  });
});

describe('moldova-personas example and census (child process)', () => {
  it('prints five valid personas for example, seed 42 by default', async () => {
    const result = await run(['example']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('seed 42');
    const personas = JSON.parse(result.stdout) as unknown[];
    expect(personas).toHaveLength(5);
    for (const persona of personas) PersonaSchema.parse(persona);
    expect(result.stderr).toMatch(/^decision: {3}PASS/m);
  });

  it('prints the catalogue for census status', async () => {
    const result = await run(['census', 'status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PXWEB_MODE=off');
  });
});
