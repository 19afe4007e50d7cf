// `node bench/convert-memory.mjs INPUT.ndjson FORMAT OUTPUT` (after npm run build): converts one
// NDJSON file to FORMAT through the dataset transform the server and the CLI use, in this process
// alone, and prints one JSON object: wall time, output bytes, the process's peak RSS (the kernel's
// high-water mark, getrusage maxrss) and, for Parquet, the most rows the encoder held at once.
// bench/parquet.mjs runs it as a child per measurement, so every peak is one conversion's own.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createDatasetEncoder } from '../dist/runs/dataset-formats.js';

const [input, format, output] = process.argv.slice(2);
if (!input || !format || !output) throw new Error('usage: node bench/convert-memory.mjs INPUT FORMAT OUTPUT');
const encoder = createDatasetEncoder(format);
// The same adapter as createDatasetTransform, with the encoder kept to read largestGroupRows.
const transform = new Transform({
  transform(chunk, _encoding, callback) {
    const out = encoder.write(chunk);
    callback(null, out.length === 0 ? undefined : out);
  },
  flush(callback) {
    callback(null, encoder.end());
  },
});
const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const start = performance.now();
await pipeline(createReadStream(input), transform, createWriteStream(output));
const seconds = (performance.now() - start) / 1000;
process.stdout.write(
  `${JSON.stringify({
    format,
    input_bytes: statSync(input).size,
    output_bytes: statSync(output).size,
    seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    baseline_rss_mb: baselineRssMb,
    largest_group_rows: encoder.largestGroupRows ?? null,
  })}\n`,
);
