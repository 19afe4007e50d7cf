// Side by side (issue 15 item 5): what a user would reach for instead of this service,
// @faker-js/faker with its Moldovan Romanian locale (`fakerRO_MD`), writing the same number of
// uncalibrated person records as NDJSON, against our generator at the same n. Both run in this
// thread, warmed, and produce NDJSON bytes that are counted and dropped; ours includes planning
// the calibrated allocation and sampling every field, not the model build (once per process,
// scenario 5). The machine drifts by ±40%, so the two alternate (F O, O F, …) and what counts is
// the ratio within each pair.
//
//   node bench/faker-ab.mjs [pairs=3] [n…=100000 1000000]     (after npm run build)
import { fakerRO_MD } from '@faker-js/faker';
import { generateInProcess, inputSnapshot } from './in-process.mjs';
import { buildGenerationModel } from '../dist/generation/model.js';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (line) => process.stderr.write(`${line}\n`);
const BATCH = 1024;

/**
 * n faker persons as NDJSON: the fields faker has for a person in this locale (name by sex, an
 * age, a raion and a locality, an occupation), none drawn jointly or against any census table.
 */
export function fakerInProcess(n, seed = 7) {
  fakerRO_MD.seed(seed);
  const start = performance.now();
  let bytes = 0;
  let text = '';
  for (let index = 0; index < n; index += 1) {
    const sex = fakerRO_MD.person.sexType();
    const record = {
      id: fakerRO_MD.string.uuid(),
      index,
      given_name: fakerRO_MD.person.firstName(sex),
      family_name: fakerRO_MD.person.lastName(sex),
      sex,
      age: fakerRO_MD.number.int({ min: 18, max: 100 }),
      district: fakerRO_MD.location.county(),
      locality: fakerRO_MD.location.city(),
      occupation: fakerRO_MD.person.jobTitle(),
    };
    text += `${JSON.stringify(record)}\n`;
    // Bytes in batches, as our shards are: the text is encoded, counted and dropped.
    if (index % BATCH === BATCH - 1) {
      bytes += Buffer.from(text, 'utf8').byteLength;
      text = '';
    }
  }
  bytes += Buffer.from(text, 'utf8').byteLength;
  const seconds = (performance.now() - start) / 1000;
  return { n, seconds, records_per_second: n / seconds, bytes };
}

/** Alternating pairs at each n; the median ratio ours / faker of wall time. */
export async function fakerSideBySide({ sizes = [100_000, 1_000_000], pairs = 3, snapshot } = {}) {
  const model = buildGenerationModel(snapshot ?? (await inputSnapshot()), { useIpf: true, tolerance: 1e-10, maxIterations: 500 });
  // Warm both, as a served worker is warm (the JIT optimises each after a few thousand records).
  for (let i = 0; i < 40; i += 1) generateInProcess(model, 1000, false);
  for (let i = 0; i < 10; i += 1) fakerInProcess(5000);
  const rows = [];
  for (const n of sizes) {
    const runs = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      const ours = () => generateInProcess(model, n, false);
      const faker = () => fakerInProcess(n);
      const [first, second] = pair % 2 === 0 ? [faker(), ours()] : [ours(), faker()];
      const [f, o] = pair % 2 === 0 ? [first, second] : [second, first];
      runs.push({ faker_seconds: f.seconds, ours_seconds: o.seconds, ratio_ours_over_faker: o.seconds / f.seconds, faker_bytes: f.bytes, ours_bytes: o.bytes });
      log(`  n=${n} pair ${pair + 1}: faker ${f.seconds.toFixed(2)} s, ours ${o.seconds.toFixed(2)} s, ours/faker ${(o.seconds / f.seconds).toFixed(3)}`);
    }
    rows.push({
      n,
      pairs,
      median_ratio_ours_over_faker: median(runs.map((run) => run.ratio_ours_over_faker)),
      faker_records_per_second: n / median(runs.map((run) => run.faker_seconds)),
      ours_records_per_second: n / median(runs.map((run) => run.ours_seconds)),
      faker_bytes_per_record: runs[0].faker_bytes / n,
      ours_bytes_per_record: runs[0].ours_bytes / n,
      runs,
    });
  }
  return { faker: { package: '@faker-js/faker', version: '10.6.0', locale: 'fakerRO_MD' }, fields: { faker: 9, ours: 21 }, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [pairsArg = '3', ...sizeArgs] = process.argv.slice(2);
  const sizes = sizeArgs.length > 0 ? sizeArgs.map(Number) : undefined;
  console.log(JSON.stringify(await fakerSideBySide({ pairs: Number(pairsArg), ...(sizes ? { sizes } : {}) }), null, 2));
}
