// Every `@example` line in a trust metric's doc comment is executed and its result compared,
// so the documentation cannot drift from the code.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as metrics from '../../../../src/trust/metrics/index.js';

const directory = new URL('../../../../src/trust/metrics/', import.meta.url);
const EXAMPLE = /@example (\w+)\((.*)\) \/\/ => (.+?)(?: \(.*\))?$/;

/** Our examples use JSON with unquoted keys; quote them before parsing. */
function parseRelaxed(text: string): unknown {
  return JSON.parse(text.replace(/([{,]\s*)([a-z_]+):/g, '$1"$2":'));
}

function expectClose(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    return;
  }
  expect(typeof actual).toBe('object');
  const record = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected as Record<string, unknown>)) expectClose(record[key], value);
}

const examples = readdirSync(directory)
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts' && file !== 'validate.ts')
  .flatMap((file) =>
    readFileSync(new URL(file, directory), 'utf8')
      .split('\n')
      .map((line) => EXAMPLE.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ file, name: match[1] ?? '', args: match[2] ?? '', expected: match[3] ?? '' })),
  );

describe('metric doc examples', () => {
  it('finds an example in every metric file', () => {
    const files = new Set(examples.map((example) => example.file));
    for (const file of readdirSync(directory)) {
      if (file.endsWith('.ts') && file !== 'index.ts' && file !== 'validate.ts') expect(files).toContain(file);
    }
  });

  it.each(examples)('$file: $name($args) gives $expected', ({ name, args, expected }) => {
    const fn = (metrics as Record<string, unknown>)[name];
    expect(typeof fn).toBe('function');
    const result = (fn as (...values: unknown[]) => unknown)(...(parseRelaxed(`[${args}]`) as unknown[]));
    expectClose(result, parseRelaxed(expected));
  });
});
