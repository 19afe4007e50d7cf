// Independent fidelity audit: generates a dataset through the project's own CLI (dist/, so it
// survives internal refactors), then compares it with every published cell of the reference
// files in test/reference/census/ (targets computed from those files only, never from the
// engine). Markdown to stdout, JSON with --json.
//
//   npm run build && node scripts/fidelity-audit.mjs --n 200000 --seed 1 [--no-ipf | --both]
//     [--scope all|adults] [--json out.json] [--profiles analysis_only,high_stakes] [--keep]
//
// --both audits the calibrated and the uncalibrated (--no-ipf) dataset side by side.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NOT_REPRESENTABLE, runAudit } from './fidelity-audit/audit.mjs';
import { loadReferences } from './fidelity-audit/references.mjs';
import { renderMarkdown } from './fidelity-audit/report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIELDS = [
  'sex', 'age', 'region', 'district', 'residence', 'ethnicity', 'mother_tongue', 'language_usually_spoken', 'religion',
  'marital_status', 'education_level', 'employment_status', 'inactivity_reason', 'economic_sector',
];

function options() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '200000' },
      seed: { type: 'string', default: '1' },
      scope: { type: 'string', default: 'all' },
      'no-ipf': { type: 'boolean', default: false },
      both: { type: 'boolean', default: false },
      json: { type: 'string' },
      profiles: { type: 'string', default: 'analysis_only,high_stakes' },
      reference: { type: 'string', default: join(ROOT, 'test/reference/census') },
      cli: { type: 'string', default: join(ROOT, 'dist/cli/main.js') },
      keep: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.n);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got ${values.n}`);
  if (!['all', 'adults'].includes(values.scope)) throw new Error(`--scope must be all or adults, got ${values.scope}`);
  if (!existsSync(values.cli)) throw new Error(`${values.cli} not found: run npm run build first`);
  const variants = values.both ? ['ipf', 'no-ipf'] : [values['no-ipf'] ? 'no-ipf' : 'ipf'];
  return { ...values, n, variants, profiles: values.profiles.split(',').filter(Boolean) };
}

function referencePin(dir) {
  const sums = join(dir, '..', 'SHA256SUMS');
  return existsSync(sums) ? createHash('sha256').update(readFileSync(sums)).digest('hex').slice(0, 16) : 'none';
}

/** One `generate` run; exit 0 (PASS / PASS_WITH_WARNINGS) or 2 (REJECT) both deliver a payload. */
function generate(opts, variant, profile, dir) {
  const dataset = join(dir, `${variant}-${profile}.ndjson`);
  const payloadFile = join(dir, `${variant}-${profile}.payload.json`);
  const args = [opts.cli, 'generate', '-n', String(opts.n), '-p', profile, '-s', opts.seed, '--scope', opts.scope, '--narratives', 'none', '--no-strict', '-o', dataset, '--payload', payloadFile];
  if (variant === 'no-ipf') args.push('--no-ipf');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 2) throw new Error(`generate failed (exit ${result.status}): ${result.stderr}`);
  const payload = JSON.parse(readFileSync(payloadFile, 'utf8'));
  return { dataset, payload, seconds, command: `node dist/cli/main.js ${args.slice(1).join(' ')}` };
}

async function readRecords(path) {
  const records = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const persona = JSON.parse(line);
    const record = {};
    for (const field of FIELDS) record[field] = persona[field];
    records.push(record);
  }
  return records;
}

async function auditVariant(opts, refs, variant, dir) {
  const [first, ...others] = opts.profiles;
  const main = generate(opts, variant, first, dir);
  const records = await readRecords(main.dataset);
  if (records.length !== opts.n) throw new Error(`expected ${opts.n} records, read ${records.length}`);
  const decisionOf = (profile, g) => ({
    profile,
    decision: g.payload.decision,
    gate_codes: g.payload.gate_codes,
    dataset_sha256: g.payload.dataset_sha256,
    same_dataset: g.payload.dataset_sha256 === main.payload.dataset_sha256,
  });
  const decisions = [decisionOf(first, main)];
  for (const profile of others) decisions.push(decisionOf(profile, generate(opts, variant, profile, dir)));
  const { rows, coverage } = runAudit(refs, records, { scope: opts.scope });
  const signals = main.payload.signals;
  return {
    variant,
    rows,
    coverage,
    run: {
      command: main.command,
      generation_seconds: main.seconds,
      generator_version: main.payload.generator_version,
      decisions,
      data_vintages: Object.keys(signals.data_vintages ?? {}),
      signals: { mean_l1_error: signals.mean_l1_error, max_category_error: signals.max_category_error, max_joint_tvd: signals.max_joint_tvd, ess_ratio: signals.ess_ratio },
    },
  };
}

/** Numbers to 9 significant digits (the rest is float noise), Infinity as null. */
const tidy = (_key, value) => (typeof value === 'number' ? (Number.isFinite(value) ? Number(value.toPrecision(9)) : null) : value);

/** JSON with one result row per line, so two audits diff line by line. */
function jsonOf({ runs, ...head }) {
  const runText = runs.map(({ rows, ...rest }) => {
    const lines = rows.map((row) => JSON.stringify(row, tidy)).join(',\n');
    return `${JSON.stringify(rest, tidy).slice(0, -1)},"rows":[\n${lines}\n]}`;
  });
  return `${JSON.stringify(head, tidy).slice(0, -1)},"runs":[\n${runText.join(',\n')}\n]}\n`;
}

async function main() {
  const opts = options();
  const refs = loadReferences(opts.reference);
  const dir = mkdtempSync(join(tmpdir(), 'fidelity-audit-'));
  try {
    const runs = [];
    for (const variant of opts.variants) runs.push(await auditVariant(opts, refs, variant, dir));
    const meta = {
      date: new Date().toISOString().slice(0, 10),
      generator_version: runs[0].run.generator_version,
      n: opts.n,
      seed: Number(opts.seed),
      scope: opts.scope,
      command: `node scripts/fidelity-audit.mjs ${process.argv.slice(2).join(' ')}`,
      reference_dir: 'test/reference/census',
      reference_pin: referencePin(opts.reference),
    };
    process.stdout.write(`${renderMarkdown(meta, runs, NOT_REPRESENTABLE)}\n`);
    if (opts.json) writeFileSync(opts.json, jsonOf({ meta, not_representable: NOT_REPRESENTABLE, runs }));
  } finally {
    if (opts.keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`fidelity-audit: ${error.message}\n`);
  process.exitCode = 1;
});
