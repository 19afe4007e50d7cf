import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './dist/generation/generate.js';
function collect(dir) { return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? collect(p) : n.endsWith('.json') ? [p] : []; }); }
const tables = {};
for (const d of ['/tmp/devdata/census', 'data/census/modelled']) for (const f of collect(d)) { const t = JSON.parse(readFileSync(f, 'utf8')); tables[t.id] = { unit_multiplier: 1, ...t, provenance_class: t.provenance, content_hash: 'x', fetched_at: null, age_days: null }; }
const snap = { snapshot_hash: 'dev', tables, fetch_log: [], pxweb_mode: 'off', resolved_at: '' };
generate({ n: 10, seed: 1, scope: 'all', use_ipf: true, traits: false }, snap);
const n = Number(process.argv[2] ?? 200000);
const t = performance.now();
const r = generate({ n, seed: 1, scope: 'adults', use_ipf: true, traits: false }, snap);
const ms = performance.now() - t;
console.log('n', n, 'ms', ms.toFixed(0), 'per s', Math.round(n / ms * 1000), 'bytes', r.bytes.length);
