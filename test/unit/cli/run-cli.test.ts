import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, type Command, type CommandIo } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { GENERATOR_VERSION } from '../../../src/version.js';

function captureIo(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const stdout = new PassThrough().setEncoding('utf8');
  const stderr = new PassThrough().setEncoding('utf8');
  stdout.on('data', (chunk: string) => (out.stdout += chunk));
  stderr.on('data', (chunk: string) => (out.stderr += chunk));
  const io: CommandIo = { env, stdout, stderr };
  return { io, out };
}

const echo: Command = {
  name: 'echo',
  summary: 'Print its arguments',
  usage: 'moldova-personas echo [--loud] WORD...',
  options: { loud: { type: 'boolean' }, times: { type: 'string', short: 'n' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const text = positionals.join(' ');
    io.stdout.write(`${values['loud'] === true ? text.toUpperCase() : text} x${String(values['times'] ?? 1)}\n`);
    return EXIT_CODES.ok;
  },
};

describe('runCli', () => {
  it('dispatches to the named command with its parsed flags', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['echo', '--loud', '-n', '2', 'bună', 'ziua'], io, [echo])).toBe(0);
    expect(out.stdout).toBe('BUNĂ ZIUA x2\n');
  });

  it('lists the commands and exits 1 when none is given', async () => {
    const { io, out } = captureIo();
    expect(await runCli([], io, [echo])).toBe(1);
    expect(out.stderr).toContain('Usage: moldova-personas <command> [options]');
    expect(out.stderr).toContain('echo  Print its arguments');
  });

  it('prints help to stdout and exits 0 for --help', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/^ {2}serve +Serve the HTTP API/m);
  });

  it('prints the package version for --version', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(out.stdout).toBe(`${GENERATOR_VERSION}\n`);
  });

  it('exits 1 naming an unknown command', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['frobnicate'], io, [echo])).toBe(1);
    expect(out.stderr).toContain('unknown command "frobnicate"');
  });

  it('exits 1 with the usage on an unknown flag', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['echo', '--quiet'], io, [echo])).toBe(1);
    expect(out.stderr).toContain("Unknown option '--quiet'");
    expect(out.stderr).toContain('Usage: moldova-personas echo [--loud] WORD...');
  });

  it('prints a command’s help text after its usage for `<command> --help`', async () => {
    const { io, out } = captureIo();
    const helped: Command = { ...echo, help: 'Options:\n  --loud   shout' };
    expect(await runCli(['echo', '--help'], io, [helped])).toBe(0);
    expect(out.stdout).toBe('Usage: moldova-personas echo [--loud] WORD...\n\nPrint its arguments\n\nOptions:\n  --loud   shout\n');
  });

  it('prints a command’s usage for `<command> --help`', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['echo', '--help'], io, [echo])).toBe(0);
    expect(out.stdout).toContain('Usage: moldova-personas echo');
  });

  it('reports a bad configuration by variable, with what it accepts, and exits 1 without a stack', async () => {
    const { io, out } = captureIo({ PORT: 'eighty', PXWEB_MODE: 'sometimes' });
    expect(await runCli(['serve'], io)).toBe(1);
    expect(out.stderr).toContain('PORT="eighty"');
    expect(out.stderr).toContain('PORT accepts an integer ≥ 0 and ≤ 65535');
    expect(out.stderr).toContain('PXWEB_MODE accepts one of off, cache, live');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a coded failure by code and an uncoded one with its stack, exiting 1 either way', async () => {
    const failing = (error: unknown): Command => ({ ...echo, run: async () => Promise.reject(error) });
    const coded = captureIo();
    const { ServiceError } = await import('../../../src/errors.js');
    expect(await runCli(['echo'], coded.io, [failing(new ServiceError('CENSUS_TABLE_MISSING', 'table x is missing'))])).toBe(1);
    expect(coded.out.stderr).toBe('moldova-personas echo: CENSUS_TABLE_MISSING: table x is missing\n');
    const bug = captureIo();
    expect(await runCli(['echo'], bug.io, [failing(new TypeError('cannot read x'))])).toBe(1);
    expect(bug.out.stderr).toMatch(/unexpected error\nTypeError: cannot read x\n\s+at /);
  });
});
