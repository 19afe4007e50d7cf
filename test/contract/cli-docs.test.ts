/**
 * The README's `generate` flag table and `generate --help` are second copies of the command's
 * options: each long flag appears in both, and neither lists a flag the command lacks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCommand } from '../../src/cli/commands/generate.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const commandFlags = Object.keys(generateCommand.options).map((name) => `--${name}`).sort();

function flagsIn(text: string): string[] {
  return [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();
}

describe('generate flags in the docs', () => {
  it('the README table lists exactly the command’s flags', () => {
    const section = README.split('## CLI')[1]?.split('\n## ')[0] ?? '';
    const table = section
      .split('\n')
      .filter((line) => line.startsWith('| `-'))
      .map((line) => line.split('|')[1] ?? '')
      .join(' ');
    expect(flagsIn(table)).toEqual(commandFlags);
  });

  it('--help lists exactly the command’s flags', () => {
    const options = (generateCommand.help ?? '').split('\n\n')[0] ?? '';
    expect(flagsIn(options)).toEqual(commandFlags);
  });
});
