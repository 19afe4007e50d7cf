// `npm run bench`: a placeholder. There is nothing worth measuring until generation exists; the
// performance issue replaces this with real benchmarks and their recorded results.
process.stdout.write('No benchmarks yet: they arrive with the performance issue. Nothing was measured or written.\n');
