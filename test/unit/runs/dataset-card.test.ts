/**
 * The dataset card renderer over the documents of real runs (executeRun on a one-thread pool and
 * the shipped snapshot): its sections, its fields against PersonaSchema, its tables against the
 * manifest, the condition and the reproduction commands (parsed back by the CLI's own flag parser
 * and the API's request schema), determinism, a withheld run, and stored strings that try to add
 * Markdown or HTML of their own.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_OPTIONS, parseRequestFlags } from '../../../src/cli/run-flags.js';
import type { InputSnapshot } from '../../../src/census/census-table.js';
import { FIELD_DICTIONARY } from '../../../src/domain/field-dictionary.js';
import { PersonaSchema } from '../../../src/domain/persona.js';
import type { EffectiveRequest } from '../../../src/domain/request.js';
import { ServiceError } from '../../../src/errors.js';
import { CARD_SECTIONS, cardInputsOf, renderDatasetCard, sizeCategoryOf, type CardInputs } from '../../../src/runs/dataset-card.js';
import { effectiveRequestOf, runRequestSchema, type RunRequest } from '../../../src/runs/run-request.js';
import { GenerationPool } from '../../../src/workers/generation-pool.js';
import { runDocuments } from '../../helpers/run-documents.js';
import { shippedSnapshot } from '../../helpers/snapshot.js';

let snapshot: InputSnapshot;
let pool: GenerationPool;

const run = (request: RunRequest, seed: number) => runDocuments(pool, snapshot, request, seed, '0190a0a0-0000-7000-8000-0000000000c1');

/** Everything a card can show: traits, template narratives, a condition on districts and ages. */
let full: CardInputs;
/** Adults, no traits, no narratives, no condition. */
let plain: CardInputs;
/** high_stakes is strict and rejected at preflight on the embedded snapshot (stale series): nothing sampled. */
let withheld: CardInputs;

beforeAll(async () => {
  snapshot = await shippedSnapshot();
  pool = new GenerationPool({ threads: 1, workerFile: resolve('dist/workers/generation-worker-entry.cjs') });
  full = await run(
    { n: 400, profile: 'analysis_only', scope: 'all', traits: true, narratives: { provider: 'template' }, where: { district: ['taraclia', 'cahul'], age: { min: 20, max: 60 } } },
    9,
  );
  plain = await run({ n: 300, profile: 'analysis_only' }, 5);
  withheld = await run({ n: 50, profile: 'high_stakes' }, 6);
});
afterAll(async () => {
  await pool.close();
});

function section(card: string, name: string): string {
  const body = card.split(`\n## ${name}\n`)[1];
  if (body === undefined) throw new Error(`no section ${name}`);
  return body.split('\n## ')[0]!;
}

/** The rows of the first table in `text`, as raw cell strings. */
function rows(text: string): string[][] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith('| '));
  const out: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('| ')) break;
    out.push(line.slice(2, -2).split(' | '));
  }
  return out;
}

/** Pipes a GFM table scanner sees as cell borders: not preceded by an odd run of backslashes. */
function cellBorders(line: string): number {
  let borders = 0;
  let slashes = 0;
  for (const character of line) {
    if (character === '|' && slashes % 2 === 0) borders += 1;
    slashes = character === '\\' ? slashes + 1 : 0;
  }
  return borders;
}

/**
 * The text of a card outside code: fenced blocks dropped, and per line code spans dropped as
 * CommonMark finds them (a backtick run opens a span closed by the next run of the same length;
 * a backslash escape outside code is one literal character).
 */
function outsideCode(card: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of card.split('\n')) {
    const opening = /^(`{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (opening !== undefined && opening.length >= fence.length && line.trim() === opening) fence = null;
      continue;
    }
    if (opening !== undefined) {
      fence = opening;
      continue;
    }
    let text = '';
    for (let i = 0; i < line.length; ) {
      if (line[i] === '\\' && /[!-/:-@[-`{-~]/.test(line[i + 1] ?? '')) {
        text += `\uE000${line[i + 1]}`;
        i += 2;
        continue;
      }
      if (line[i] === '`') {
        const run = /^`+/.exec(line.slice(i))![0];
        const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
        close.lastIndex = i + run.length;
        const found = close.exec(line);
        if (found) {
          text += ' ';
          i = found.index + run.length;
          continue;
        }
        text += run;
        i += run.length;
        continue;
      }
      text += line[i];
      i += 1;
    }
    out.push(text);
  }
  return out.join('\n');
}

/** The Markdown syntax outside code: unescaped special characters, and the line-start markers. */
function syntaxOf(card: string): Record<string, number> {
  const text = outsideCode(card).replace(/\uE000./g, '');
  const counts: Record<string, number> = {};
  for (const character of text) if ('*_~[]<>|'.includes(character)) counts[character] = (counts[character] ?? 0) + 1;
  for (const line of text.split('\n')) {
    const marker = /^\s*(#+ |[-+*] |\d+[.)] |>|=+$|-+$)/.exec(line)?.[1];
    if (marker !== undefined) counts[`line ${marker}`] = (counts[`line ${marker}`] ?? 0) + 1;
  }
  return counts;
}

const fieldPaths = (card: string) => rows(section(card, 'Dataset structure')).map((row) => /^`([^`]+)`$/.exec(row[0] ?? '')?.[1]);

function sh(card: string, name: string): string {
  const block = /```sh\n([\s\S]*?)\n```/g;
  const blocks = [...section(card, name).matchAll(block)].map((match) => match[1]!);
  return blocks.find((text) => text.startsWith('moldova-personas')) ?? '';
}

describe('renderDatasetCard', () => {
  it('starts with Hugging Face front matter and has every section once, in order', () => {
    const card = renderDatasetCard(full);
    const front = card.split('\n---\n')[0]!;
    expect(front.split('\n')).toEqual([
      '---',
      'pretty_name: "Synthetic persons of the Republic of Moldova: 400 people of all ages, district cahul|taraclia; age 20-60"',
      'license: "cc-by-4.0"',
      'language:',
      '- "ro"',
      'size_categories:',
      '- "n<1K"',
      'tags:',
      '- "synthetic"',
      '- "personas"',
      '- "census"',
      '- "moldova"',
      '- "tabular"',
      '- "population-synthesis"',
    ]);
    expect(card.match(/^## .*$/gm)).toEqual(CARD_SECTIONS.map((name) => `## ${name}`));
    expect(card.match(/^# .*$/gm)).toEqual(['# Synthetic persons of the Republic of Moldova: 400 people of all ages, district cahul\\|taraclia; age 20-60']);
    expect(card.endsWith('\n')).toBe(true);
  });

  it('lists every PersonaSchema field, nested ones too, when the run has traits and narratives; without them, the rest', () => {
    const keys = Object.keys(PersonaSchema.shape);
    expect(fieldPaths(renderDatasetCard(full)).filter((path) => !path?.includes('.'))).toEqual(keys);
    expect(fieldPaths(renderDatasetCard(full))).toEqual(FIELD_DICTIONARY.map((entry) => entry.path));
    expect(fieldPaths(renderDatasetCard(plain))).toEqual(keys.filter((key) => key !== 'traits' && key !== 'narrative'));
  });

  it('lists exactly the manifest\'s tables, with their reference dates and vintages', () => {
    for (const inputs of [full, plain, withheld]) {
      const tableRows = rows(section(renderDatasetCard(inputs), 'Source data'));
      expect(tableRows.map((row) => [row[0], row[3], row[6]])).toEqual(
        inputs.manifest.snapshot.tables.map((table) => [`\`${table.table_id}\``, table.reference_date, `\`${table.vintage.status}\``]),
      );
      expect(tableRows.length).toBeGreaterThan(30);
    }
  });

  it('shows the condition, and CLI and API commands that give back the effective request', () => {
    const card = renderDatasetCard(full);
    expect(rows(section(card, 'Request'))).toContainEqual(['where', 'district cahul\\|taraclia; age 20-60']);
    expect(rows(section(renderDatasetCard(plain), 'Request'))).toContainEqual(['where', '— (the whole population of the scope)']);

    for (const inputs of [full, plain, withheld]) {
      const rendered = renderDatasetCard(inputs);
      const effective: EffectiveRequest = inputs.manifest.request.effective;
      // The CLI command, read by the generate command's own parser.
      const words = sh(rendered, 'Reproduce').split(' ');
      expect(words.slice(0, 2)).toEqual(['moldova-personas', 'generate']);
      expect(words.slice(-2)).toEqual(['-o', 'dataset.ndjson']);
      const { values } = parseArgs({ args: words.slice(2, -2), options: REQUEST_OPTIONS, strict: true });
      const flags = parseRequestFlags(values, 1_000_000);
      if (!flags.ok) throw new Error(flags.problems.join('; '));
      expect(effectiveRequestOf(flags.value.request, flags.value.request.seed!)).toEqual(effective);
      // The curl body, read by the API's request schema.
      const body = /-d '([^']*)'/.exec(section(rendered, 'Reproduce'))?.[1] ?? '';
      const parsed = runRequestSchema(1_000_000).parse(JSON.parse(body));
      expect(parsed.generator_version).toBe(inputs.manifest.software.generator_version);
      expect(effectiveRequestOf(parsed, parsed.seed!)).toEqual(effective);
    }
  });

  it('states the verdict with every gate of the report, and the hashes to reproduce', () => {
    for (const inputs of [full, plain, withheld]) {
      const card = renderDatasetCard(inputs);
      const verdict = section(card, 'Trust verdict');
      expect(rows(verdict)).toContainEqual(['Decision', `\`${inputs.report.decision.decision}\``]);
      expect(rows(verdict)).toContainEqual(['Quality tier', `\`${inputs.report.decision.quality_tier}\``]);
      const gates = rows(verdict.split('Gates (')[1]!).map((row) => row[0]);
      expect(gates).toEqual(inputs.report.gate_details.map((gate) => `\`${gate.code}\``));
      const reproduce = rows(section(card, 'Reproduce').split('needs all of:')[1]!);
      expect(reproduce).toContainEqual(['config_hash', `\`${inputs.manifest.config_hash}\``]);
      expect(reproduce).toContainEqual(['snapshot_hash', `\`${inputs.manifest.snapshot.snapshot_hash}\``]);
      expect(reproduce).toContainEqual(['seed', String(inputs.manifest.seed)]);
    }
    expect(rows(section(renderDatasetCard(plain), 'Reproduce').split('needs all of:')[1]!)).toContainEqual([
      'dataset_sha256',
      `\`${plain.manifest.dataset_sha256}\``,
    ]);
  });

  it('says when a run was withheld and nothing was sampled', () => {
    expect(withheld.report.decision).toMatchObject({ decision: 'REJECT', dataset_withheld: true });
    const card = renderDatasetCard(withheld);
    expect(section(card, 'Dataset summary')).toContain('**The dataset is withheld**');
    expect(section(card, 'Uses')).toContain('**This run was rejected for the `high_stakes` profile**');
    expect(section(card, 'Method')).toContain('Nothing was sampled in this run');
    expect(card).toContain('| dataset_sha256 | — (no dataset) |');
    expect(card).toContain('\nsize_categories:\n- "n<1K"\n');
  });

  it('names the modelled targets and tables of the report under Known limits', () => {
    const limits = section(renderDatasetCard(full), 'Known limits');
    expect(limits).toContain(`(${full.report.provenance.fields.length} of ${full.report.provenance.fields.length} compared fields)`);
    expect(limits).toContain('district cahul\\|taraclia; age 20-60');
    for (const table of full.manifest.snapshot.tables.filter((t) => t.provenance_class === 'modelled')) expect(limits).toContain(`\`${table.table_id}\``);
  });

  it('is deterministic: the same documents give the same bytes, however they were read', () => {
    const card = renderDatasetCard(full);
    expect(renderDatasetCard(full)).toBe(card);
    expect(renderDatasetCard(cardInputsOf('x', JSON.parse(JSON.stringify(full)) as CardInputs))).toBe(card);
    expect(renderDatasetCard(plain)).not.toBe(card);
  });

  it('neutralises hostile stored strings: no HTML, links, headings, lines or table cells of their own', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '[click](https://evil.example/x) ![i](https://evil.example/i.png)',
      '| forged | row |',
      'line one\n# Forged heading\n\n- forged item',
      '```\nfenced\n```',
      '**bold** _it_ ~~gone~~ `tick` \\| back\\slash\\',
      'www.evil.example mail@evil.example <https://evil.example>',
      '\u202eevil\u2066 \r\n\u0000',
      '1. forged list',
      '---',
    ].join(' ~ ');
    const evil = structuredClone(plain) as unknown as { manifest: Record<string, unknown>; report: Record<string, unknown> } & CardInputs;
    const clean = renderDatasetCard(plain);
    const inject = (inputs: typeof evil, value: string) => {
      const copy = structuredClone(inputs);
      copy.manifest.run_id = value;
      copy.manifest.software.generator_version = value;
      copy.manifest.software.node_version = value;
      copy.manifest.created_at = value;
      for (const table of copy.manifest.snapshot.tables) {
        table.source_table_id = value;
        table.reference_date = value;
        table.vintage.statement = value;
        table.table_id = `${table.table_id}${value}`;
      }
      for (const gate of copy.report.gate_details) {
        gate.recommendation = value;
        gate.measure = value;
      }
      // One hostile derivation per distinct derivation, so fields grouped by it stay grouped alike.
      const derivations = [...new Set(copy.report.provenance.fields.map((field) => field.derivation))];
      for (const field of copy.report.provenance.fields) if (field.derivation !== null) field.derivation = `${value} ${derivations.indexOf(field.derivation)}`;
      return copy;
    };
    const card = renderDatasetCard(inject(evil, hostile));
    // No line of its own: the same number of lines as the clean card, the same headings.
    expect(card.split('\n')).toHaveLength(clean.split('\n').length);
    expect(card.match(/^#.*$/gm)).toEqual(clean.match(/^#.*$/gm));
    // Outside code, the same Markdown syntax as the clean card: no HTML, link, image, emphasis or
    // list item of its own, no bare URL for an autolink, no bidi controls.
    expect(syntaxOf(card)).toEqual(syntaxOf(clean));
    expect(outsideCode(card)).not.toMatch(/evil\.example|<[a-z/!]/i);
    expect(card).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(card.includes('\u0000')).toBe(false);
    // Every table row has as many cell borders as its table's header.
    const lines = card.split('\n');
    lines.forEach((line, index) => {
      if (!line.startsWith('| ')) return;
      let header = index;
      while (header > 0 && lines[header - 1]!.startsWith('| ')) header -= 1;
      expect(cellBorders(line), line).toBe(cellBorders(lines[header]!));
    });
  });

  it('keeps any string to its one table cell (property)', () => {
    const clean = renderDatasetCard(plain);
    const lineCount = clean.split('\n').length;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (value) => {
        const copy = structuredClone(plain);
        copy.manifest.snapshot.tables[0]!.source_table_id = value;
        copy.manifest.snapshot.tables[1]!.table_id = value;
        const card = renderDatasetCard(copy);
        const sourceRows = section(card, 'Source data').split('\n').filter((line) => line.startsWith('| '));
        return card.split('\n').length === lineCount && sourceRows.every((line) => cellBorders(line) === 8);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cardInputsOf', () => {
  it('refuses a stored document that does not match its schema as a corrupt store', () => {
    const { config_hash: _gone, ...manifest } = plain.manifest;
    expect(() => cardInputsOf('r1', { ...plain, manifest })).toThrow(ServiceError);
    try {
      cardInputsOf('r1', { ...plain, manifest });
    } catch (error) {
      expect((error as ServiceError).code).toBe('RUN_STORE_CORRUPT');
    }
  });
});

describe('sizeCategoryOf', () => {
  it('follows the Hugging Face size bands', () => {
    expect([0, 999, 1_000, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000].map(sizeCategoryOf)).toEqual([
      'n<1K',
      'n<1K',
      '1K<n<10K',
      '1K<n<10K',
      '10K<n<100K',
      '10K<n<100K',
      '100K<n<1M',
      '100K<n<1M',
      '1M<n<10M',
    ]);
  });
});
