/**
 * `generate --card FILE` and `--report FILE`: the dataset card and the HTML trust report of a CLI
 * run, in-process through `runCli` (real worker
 * threads from dist/, the shipped snapshot, a temp folder for every file). The card names the
 * bytes the run wrote, and the command it gives to reproduce them writes the same bytes again.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROCESS_RUNTIME, type CliRuntime } from '../../src/cli/cli-run.js';
import type { CommandIo } from '../../src/cli/command.js';
import { createGenerateCommand } from '../../src/cli/commands/generate.js';
import { runCli } from '../../src/cli/run-cli.js';
import { CARD_SECTIONS } from '../../src/runs/dataset-card.js';
import { GradientTrustPayloadSchema } from '../../src/trust/payload-schema.js';
import { makeTempDir } from '../helpers/census.js';

let temp: { dir: string; remove: () => Promise<void> };
let aux: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('cli-card');
  aux = await makeTempDir('cli-card-aux');
});
afterEach(async () => {
  await temp.remove();
  await aux.remove();
});

function runtime(): CliRuntime {
  return {
    ...PROCESS_RUNTIME,
    workerFile: resolve('dist/workers/generation-worker-entry.cjs'),
    signals: new EventEmitter() as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
    forceExit: () => undefined,
    tempDirectory: aux.dir,
  };
}

async function cli(argv: readonly string[]) {
  let out = '';
  let err = '';
  const stdout = new PassThrough().setEncoding('utf8');
  const stderr = new PassThrough().setEncoding('utf8');
  stdout.on('data', (chunk: string) => (out += chunk));
  stderr.on('data', (chunk: string) => (err += chunk));
  const io: CommandIo = { env: { WORKERS: '2', DATA_DIR: join(aux.dir, 'data'), LOG_LEVEL: 'silent', PXWEB_MODE: 'off' }, stdout, stderr };
  const code = await runCli(argv, io, [createGenerateCommand(runtime())]);
  return { code, stdout: out, stderr: err };
}

const path = (name: string) => join(temp.dir, name);
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('generate --card', () => {
  it('writes the card of the run, whose reproduction command writes the same bytes again', async () => {
    const run = await cli(['generate', '-n', '300', '-p', 'analysis_only', '-s', '12', '--traits', '--region', 'nord', '--age', '30-', '-o', path('out.ndjson'), '--payload', path('p.json'), '--card', path('card.md')]);
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(temp.dir)).sort()).toEqual(['card.md', 'out.ndjson', 'p.json']);
    const card = await readFile(path('card.md'), 'utf8');
    const bytes = await readFile(path('out.ndjson'));
    const payload = GradientTrustPayloadSchema.parse(JSON.parse(await readFile(path('p.json'), 'utf8')));
    expect(card.startsWith('---\npretty_name: "Synthetic persons of the Republic of Moldova: 300 adults (18+), region nord; age 30-100"\n')).toBe(true);
    expect(card.match(/^## .*$/gm)).toEqual(CARD_SECTIONS.map((name) => `## ${name}`));
    expect(card).toContain(`| dataset_sha256 | \`${sha256(bytes)}\` |`);
    expect(card).toContain(`| config_hash | \`${payload.config_hash}\` |`);
    expect(card).toContain('| where | region nord; age 30-100 |');

    const command = /```sh\n(moldova-personas generate [^\n]*)\n```/.exec(card)?.[1] ?? '';
    expect(command).toBe('moldova-personas generate -n 300 -p analysis_only -s 12 --scope adults --traits --no-strict --narratives none --region nord --age 30-100 -o dataset.ndjson');
    const again = await cli([...command.split(' ').slice(1, -1), path('again.ndjson')]);
    expect(again.code, again.stderr).toBe(0);
    expect(sha256(await readFile(path('again.ndjson')))).toBe(sha256(bytes));
  });

  it('writes the card to stdout for --card - when the dataset goes to a file', async () => {
    const run = await cli(['generate', '-n', '20', '-p', 'analysis_only', '-s', '3', '-o', path('out.ndjson'), '--card', '-']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('---\npretty_name: ')).toBe(true);
    expect(run.stdout).toContain(`| dataset_sha256 | \`${sha256(await readFile(path('out.ndjson')))}\` |`);
  });

  it('writes the card of a strict REJECT (dataset withheld) and exits 2', async () => {
    const run = await cli(['generate', '-n', '50', '-p', 'high_stakes', '-o', path('hs.ndjson'), '--card', path('hs.md')]);
    expect(run.code).toBe(2);
    expect(await readdir(temp.dir)).toEqual(['hs.md']);
    const card = await readFile(path('hs.md'), 'utf8');
    expect(card).toContain('**The dataset is withheld**');
    expect(card).toContain('| Decision | `REJECT` |');
  });

  it('refuses a card that would collide with the dataset or the payload, before anything runs', async () => {
    for (const [argv, message] of [
      [['--card', '-'], '--card - and the dataset cannot both go to stdout; give -o FILE'],
      [['-o', path('x'), '--card', path('x')], '-o and --card name the same file'],
      [['-o', path('x'), '--payload', path('y'), '--card', path('y')], '--payload and --card name the same file'],
      [['-o', path('x'), '--payload', '-', '--card', '-'], '--card - and --payload - cannot both go to stdout'],
    ] as const) {
      const run = await cli(['generate', '-n', '5', '-p', 'analysis_only', ...argv]);
      expect(run.code, message).toBe(1);
      expect(run.stderr).toContain(`moldova-personas generate: ${message}\n`);
    }
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('fails at once, leaving no file, when the card path cannot be written', async () => {
    await mkdir(path('folder'));
    const run = await cli(['generate', '-n', '5', '-p', 'analysis_only', '-o', path('out.ndjson'), '--card', path('folder')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it is a directory');
    expect(await readdir(temp.dir)).toEqual(['folder']);
  });
});

describe('generate --report', () => {
  it('writes the trust report page of the run beside the dataset, the card and the payload', async () => {
    const run = await cli(['generate', '-n', '300', '-p', 'analysis_only', '-s', '12', '--scope', 'all', '-o', path('out.ndjson'), '--payload', path('p.json'), '--card', path('card.md'), '--report', path('report.html')]);
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(temp.dir)).sort()).toEqual(['card.md', 'out.ndjson', 'p.json', 'report.html']);
    const payload = GradientTrustPayloadSchema.parse(JSON.parse(await readFile(path('p.json'), 'utf8')));
    const page = await readFile(path('report.html'), 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`<title>Trust report — run ${payload.run_id}</title>`);
    expect(page).toContain(`<code>${sha256(await readFile(path('out.ndjson')))}</code>`);
    expect(page).toContain(`<b class="${payload.decision}">${payload.decision}</b>`);
  });

  it('writes the page to stdout for --report - when the dataset goes to a file, and refuses collisions before anything runs', async () => {
    const run = await cli(['generate', '-n', '20', '-p', 'analysis_only', '-s', '3', '-o', path('out.ndjson'), '--report', '-']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const [argv, message] of [
      [['--report', '-'], '--report - and the dataset cannot both go to stdout; give -o FILE'],
      [['-o', path('x'), '--report', path('x')], '-o and --report name the same file'],
      [['-o', path('x'), '--card', path('y'), '--report', path('y')], '--card and --report name the same file'],
      [['-o', path('x'), '--payload', '-', '--report', '-'], '--report - and --payload - cannot both go to stdout'],
    ] as const) {
      const refused = await cli(['generate', '-n', '5', '-p', 'analysis_only', ...argv]);
      expect(refused.code, message).toBe(1);
      expect(refused.stderr).toContain(`moldova-personas generate: ${message}\n`);
    }
    expect(await readdir(temp.dir)).toEqual(['out.ndjson']);
  });
});
