// Joins two audit JSONs (scripts/fidelity-audit.mjs --json) into one Markdown table of every row:
// target, before and after (calibrated variant), and the envelope flags, plus a per-family summary.
//   node scripts/fidelity-audit/before-after.mjs before.json after.json > table.md
import { readFileSync } from 'node:fs';
import { counted } from './audit.mjs';

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) throw new Error('usage: before-after.mjs <before.json> <after.json>');
const ipfRows = (path) => JSON.parse(readFileSync(path, 'utf8')).runs.find((r) => r.variant === 'ipf').rows;
const before = new Map(ipfRows(beforePath).map((r) => [r.id, r]));
const after = ipfRows(afterPath);
const value = (row) => (row?.generated == null ? '–' : row.kind === 'mean' ? row.generated.toFixed(2) : row.kind === 'tvd' ? row.generated.toFixed(4) : `${(row.generated * 100).toFixed(2)}%`);
const target = (row) => (row.target == null ? '–' : row.kind === 'mean' ? row.target.toFixed(2) : row.kind === 'tvd' ? 'TVD 0' : `${(row.target * 100).toFixed(2)}%`);
const flag = (row) => (!row ? 'new' : counted(row) ? row.flag : `${row.flag} (not counted)`);

const families = new Map();
for (const row of after) {
  const f = families.get(row.family) ?? { rows: 0, before: 0, after: 0 };
  if (counted(row)) {
    f.rows += 1;
    if (row.flag === 'OUT') f.after += 1;
    const old = before.get(row.id);
    if (old && counted(old) && old.flag === 'OUT') f.before += 1;
  }
  families.set(row.family, f);
}
const lines = ['| family | counted rows | OUT before | OUT after |', '| --- | --- | --- | --- |'];
for (const [family, f] of families) lines.push(`| ${family} | ${f.rows} | ${f.before} | ${f.after} |`);
lines.push('', '| id | what | target | before | flag | after | flag |', '| --- | --- | --- | --- | --- | --- | --- |');
for (const row of after) {
  const old = before.get(row.id);
  lines.push(`| ${row.id} | ${row.what} | ${target(row)} | ${value(old)} | ${flag(old)} | ${value(row)} | ${flag(row)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
