/**
 * `generate`, `example` and `census` run in-process through `runCli` with captured io, real worker
 * threads (the compiled worker from dist/, built by `npm test`), the shipped snapshot and a temp
 * folder for every file. Signals come from a local emitter, never from this process.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { PROCESS_RUNTIME, type CliRuntime } from '../../src/cli/cli-run.js';
import type { CommandIo, ExitCode } from '../../src/cli/command.js';
import { createCensusCommand } from '../../src/cli/commands/census.js';
import { createExampleCommand } from '../../src/cli/commands/example.js';
import { createGenerateCommand } from '../../src/cli/commands/generate.js';
import { runCli } from '../../src/cli/run-cli.js';
import { PersonaSchema } from '../../src/domain/persona.js';
import { CSV_COLUMNS } from '../../src/runs/dataset-formats.js';
import { GradientTrustPayloadSchema } from '../../src/trust/payload-schema.js';
import { makeTempDir } from '../helpers/census.js';
import { expectedCsvCells, parseCsv } from '../helpers/csv.js';

const WORKER = resolve('dist/workers/generation-worker-entry.cjs');

/** `temp` holds the outputs only; `aux` the DATA_DIR and the stdout spool folder. */
let temp: { dir: string; remove: () => Promise<void> };
let aux: { dir: string; remove: () => Promise<void> };
let signals: EventEmitter;
let forceExit: Mock<(code: ExitCode) => void>;
beforeEach(async () => {
  temp = await makeTempDir('cli-in-process');
  aux = await makeTempDir('cli-in-process-aux');
  signals = new EventEmitter();
  forceExit = vi.fn<(code: ExitCode) => void>();
});
afterEach(async () => {
  await temp.remove();
  await aux.remove();
});

function runtime(): CliRuntime {
  return {
    ...PROCESS_RUNTIME,
    workerFile: WORKER,
    signals: signals as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
    forceExit,
    tempDirectory: aux.dir,
  };
}

interface Captured {
  readonly io: CommandIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly stderrStream: PassThrough;
}

function capture(options: { env?: Record<string, string>; tty?: boolean; stdoutTty?: boolean } = {}): Captured {
  let out = '';
  let err = '';
  const stdout = Object.assign(new PassThrough(), options.stdoutTty === true ? { isTTY: true } : {});
  const stderr = Object.assign(new PassThrough(), options.tty === true ? { isTTY: true } : {});
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const env = { WORKERS: '2', DATA_DIR: join(aux.dir, 'data'), LOG_LEVEL: 'silent', ...options.env };
  return { io: { env, stdout, stderr }, stdout: () => out, stderr: () => err, stderrStream: stderr };
}

async function cli(argv: readonly string[], captured: Captured = capture()) {
  const rt = runtime();
  const code = await runCli(argv, captured.io, [createGenerateCommand(rt), createExampleCommand(rt), createCensusCommand()]);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const path = (name: string) => join(temp.dir, name);
const readJson = async (name: string): Promise<unknown> => JSON.parse(await readFile(path(name), 'utf8'));
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const ndjsonRecords = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('generate (in-process)', () => {
  it('writes the same personas as NDJSON, CSV and JSON, under one NDJSON dataset_sha256', async () => {
    const n = 300;
    const base = ['generate', '-n', String(n), '-p', 'analysis_only', '-s', '11', '--traits'];
    for (const format of ['ndjson', 'csv', 'json']) {
      const run = await cli([...base, '--format', format, '-o', path(`out.${format}`), '--payload', path(`payload.${format}.json`)]);
      expect({ format, code: run.code, stderr: run.stderr }).toMatchObject({ format, code: 0, stderr: expect.stringContaining('decision:   PASS') });
    }
    const ndjsonBytes = await readFile(path('out.ndjson'));
    const records = ndjsonRecords(ndjsonBytes.toString('utf8'));
    expect(records).toHaveLength(n);
    for (const record of records) PersonaSchema.parse(record);
    expect(records.every((record) => record['traits'] !== undefined)).toBe(true);

    expect(await readJson('out.json')).toEqual(records);
    const rows = parseCsv(await readFile(path('out.csv'), 'utf8'));
    expect(rows[0]).toEqual(CSV_COLUMNS);
    expect(rows.slice(1)).toEqual(records.map(expectedCsvCells));

    const payloads = await Promise.all(['ndjson', 'csv', 'json'].map((format) => readJson(`payload.${format}.json`)));
    for (const payload of payloads) GradientTrustPayloadSchema.parse(payload);
    expect(payloads.map((payload) => (payload as { dataset_sha256: string }).dataset_sha256)).toEqual([
      sha256(ndjsonBytes),
      sha256(ndjsonBytes),
      sha256(ndjsonBytes),
    ]);
    expect((await readdir(temp.dir)).sort()).toEqual(
      ['out.csv', 'out.json', 'out.ndjson', 'payload.csv.json', 'payload.json.json', 'payload.ndjson.json'].sort(),
    );

    const toStdout = await cli([...base, '-o', '-']);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(ndjsonBytes.toString('utf8'));
  });

  it('writes --format parquet: a Parquet file that reads back to the NDJSON personas, under the same dataset_sha256', async () => {
    const base = ['generate', '-n', '300', '-p', 'analysis_only', '-s', '12', '--traits', '--scope', 'all'];
    for (const format of ['ndjson', 'parquet']) {
      const run = await cli([...base, '--format', format, '-o', path(`out.${format}`), '--payload', path(`payload.${format}.json`)]);
      expect({ format, code: run.code }).toEqual({ format, code: 0 });
    }
    const ndjsonBytes = await readFile(path('out.ndjson'));
    const parquetBytes = await readFile(path('out.parquet'));
    const file = parquetBytes.buffer.slice(parquetBytes.byteOffset, parquetBytes.byteOffset + parquetBytes.byteLength) as ArrayBuffer;
    expect(parquetMetadata(file).key_value_metadata).toEqual([{ key: 'dataset_sha256', value: sha256(ndjsonBytes) }]);
    const flat = ndjsonRecords(ndjsonBytes.toString('utf8')).map(({ traits, ...scalars }) => ({
      ...scalars,
      ...Object.fromEntries(Object.entries(traits as Record<string, number>).map(([trait, score]) => [`traits_${trait}`, score])),
      narrative: null,
    }));
    expect(await parquetReadObjects({ file })).toEqual(flat);
    const payload = (await readJson('payload.parquet.json')) as { dataset_sha256: string };
    expect(payload.dataset_sha256).toBe(sha256(ndjsonBytes));
  });

  it('exits 2 for a strict high_stakes REJECT and releases nothing, to a file or to stdout', async () => {
    const toFile = await cli(['generate', '-n', '100', '-p', 'high_stakes', '-o', path('hs.csv'), '--format', 'csv', '--payload', path('hs.json')]);
    expect(toFile.code).toBe(2);
    expect(toFile.stderr).toContain('decision:   REJECT');
    expect(await readdir(temp.dir)).toEqual(['hs.json']);
    const payload = GradientTrustPayloadSchema.parse(await readJson('hs.json'));
    expect(payload).toMatchObject({ decision: 'REJECT', strict_mode: true, dataset_sha256: null });

    const toStdout = await cli(['generate', '-n', '100', '-p', 'high_stakes']);
    expect(toStdout.code).toBe(2);
    expect(toStdout.stdout).toBe('');
    expect((await readdir(aux.dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('holds a strict run to stdout back until its decision, then writes it', async () => {
    const run = await cli(['generate', '-n', '40', '-p', 'analysis_only', '--strict', '-s', '3']);
    expect(run.code).toBe(0);
    expect(ndjsonRecords(run.stdout)).toHaveLength(40);
    expect((await readdir(aux.dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('draws a progress bar on a terminal stderr for n ≥ 50,000, and writes the payload to stdout for --payload -', async () => {
    const run = await cli(['generate', '-n', '50000', '-p', 'analysis_only', '-o', path('big.ndjson'), '--payload', '-'], capture({ tty: true }));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\r\[#{30}\] 100% 50,000\/50,000 /);
    const payload = GradientTrustPayloadSchema.parse(JSON.parse(run.stdout));
    expect(payload.dataset_sha256).toBe(sha256(await readFile(path('big.ndjson'))));
  });

  it('exits 2 for a REJECT it releases (--no-strict), with the dataset written', async () => {
    const run = await cli(['generate', '-n', '100', '-p', 'high_stakes', '--no-strict', '-o', path('released.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('decision:   REJECT');
    expect(ndjsonRecords(await readFile(path('released.ndjson'), 'utf8'))).toHaveLength(100);
  });

  it('stops on SIGINT, exits 1 and leaves no file', async () => {
    const captured = capture({ tty: true });
    // The first progress redraw means sampling has started: interrupt then.
    captured.stderrStream.once('data', () => signals.emit('SIGINT', 'SIGINT'));
    const run = await cli(['generate', '-n', '200000', '-p', 'analysis_only', '-o', path('big.ndjson'), '--payload', path('p.json')], captured);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('RUN_CANCELLED: the run was cancelled (SIGINT)');
    expect(await readdir(temp.dir)).toEqual([]);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(forceExit).not.toHaveBeenCalled();
  });

  it('exits at once on a second signal, removing its temp files first', async () => {
    const captured = capture({ tty: true });
    let filesAtForcedExit: string[] | undefined;
    forceExit.mockImplementation(() => {
      filesAtForcedExit = readdirSync(temp.dir);
    });
    captured.stderrStream.once('data', () => {
      signals.emit('SIGINT', 'SIGINT');
      signals.emit('SIGTERM', 'SIGTERM');
    });
    const run = await cli(['generate', '-n', '200000', '-p', 'analysis_only', '-o', path('big.ndjson')], captured);
    expect(forceExit).toHaveBeenCalledWith(1);
    expect(filesAtForcedExit).toEqual([]);
    expect(run.code).toBe(1);
  });

  it.each([
    [['-n', '0', '-p', 'analysis_only'], '-n/--n 0: Too small'],
    [['-n', '5', '-p', 'analysis_only', '--format', 'xml'], '--format "xml"'],
    [['-n', '5'], '-p/--profile is required'],
    [['-n', '5', '-p', 'analysis_only', '--narratives', 'poems'], '--narratives "poems"'],
    [['-n', '5', '-p', 'analysis_only', '--colour'], "Unknown option '--colour'"],
  ])('exits 1 for %j, naming the flag', async (flags, message) => {
    const run = await cli(['generate', ...flags]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: moldova-personas generate');
  });

  it('takes the largest n from MAX_N, as the API does', async () => {
    const run = await cli(['generate', '-n', '11', '-p', 'analysis_only'], capture({ env: { MAX_N: '10' } }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('-n/--n 11: Too big: expected number to be <=10');
  });

  it('refuses an llm run above LLM_MAX_N with exit 1 before generating, as the API does', async () => {
    const run = await cli(
      ['generate', '-n', '6', '-p', 'narrative_required', '--narratives', 'llm', '-o', path('llm.ndjson')],
      capture({ env: { LLM_MAX_N: '5', LLM_BASE_URL: 'http://127.0.0.1:9/v1' } }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('n = 6 is above LLM_MAX_N (5) for a run with llm narratives; lower -n or raise LLM_MAX_N');
    expect(run.stderr).not.toContain('decision:');
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('draws a condition from its flags: exactly n people, all matching', async () => {
    const run = await cli(['generate', '-n', '60', '-p', 'analysis_only', '-s', '4', '--scope', 'all', '--region', 'gagauzia', '--sex', 'female', '--age', '18-35', '-o', path('where.ndjson')]);
    expect(run.code).toBe(0);
    const people = ndjsonRecords(await readFile(path('where.ndjson'), 'utf8')) as { region: string; sex: string; age: number }[];
    expect(people).toHaveLength(60);
    for (const person of people) expect(person.region === 'gagauzia' && person.sex === 'female' && person.age >= 18 && person.age <= 35).toBe(true);
  });

  it('exits 1 before generating for a condition no census can fill, naming it (not LLM_MAX_N)', async () => {
    const run = await cli(['generate', '-n', '5', '-p', 'analysis_only', '--region', 'chisinau', '--district', 'taraclia', '-o', path('none.ndjson')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('where (region chisinau; district taraclia)');
    expect(run.stderr).not.toContain('LLM_MAX_N');
    expect(readdirSync(temp.dir)).toEqual([]);
  });

  it('refuses Parquet to a terminal stdout, and writes it to a pipe', async () => {
    const toTerminal = await cli(['generate', '-n', '5', '-p', 'analysis_only', '--format', 'parquet'], capture({ stdoutTty: true }));
    expect(toTerminal.code).toBe(1);
    expect(toTerminal.stderr).toContain('--format parquet is binary');
    const toPipe = await cli(['generate', '-n', '5', '-p', 'analysis_only', '--format', 'parquet']);
    expect(toPipe.code).toBe(0);
    expect(toPipe.stdout.startsWith('PAR1')).toBe(true);
  });

  it('exits 1 naming the file when the output folder does not exist, before generating', async () => {
    const run = await cli(['generate', '-n', '5', '-p', 'analysis_only', '-o', path('no/such/dir.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write ${path('no/such/dir.csv')}: ENOENT`);
    expect(run.stderr).not.toContain('decision:');
  });

  it('documents every flag and the NDJSON hash in --help', async () => {
    const run = await cli(['generate', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--n', '--profile', '--seed', '--scope', '--format', '--output', '--payload', '--traits', '--no-ipf', '--strict', '--no-strict', '--narratives']) {
      expect(run.stdout).toContain(flag);
    }
    expect(run.stdout).toContain('dataset_sha256 in the payload is\nalways the SHA-256 of the NDJSON bytes');
  });
});

describe('example (in-process)', () => {
  it('prints five valid adult personas as JSON and a payload summary for the seed given', async () => {
    const run = await cli(['example', '-s', '7']);
    expect(run.code).toBe(0);
    const personas = (JSON.parse(run.stdout) as unknown[]).map((persona) => PersonaSchema.parse(persona));
    expect(personas.map((persona) => persona.index)).toEqual([0, 1, 2, 3, 4]);
    expect(personas.every((persona) => persona.age >= 18)).toBe(true);
    expect(run.stderr).toContain('profile analysis_only · scope adults · seed 7');
  });

  it('exits 1 for a bad seed', async () => {
    const run = await cli(['example', '-s', 'forty-two']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('-s/--seed "forty-two"');
  });
});

describe('census (in-process)', () => {
  it('prints the catalogue for status and exits 0', async () => {
    const run = await cli(['census', 'status']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PXWEB_MODE=off');
    expect(run.stdout).toMatch(/^age_85_plus_modelled +modelled/m);
  });

  it('prints JSON with --json', async () => {
    const run = await cli(['census', 'status', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ pxweb_mode: 'off' });
  });

  it('exits 1 with the usage for an unknown subcommand', async () => {
    const run = await cli(['census', 'purge']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('usage: moldova-personas census status|refresh [--json]');
  });
});
