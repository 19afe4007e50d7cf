/**
 * The file piscina loads in each worker thread. piscina `require()`s its worker file first; on
 * Node ≥ 20.19 that loads our ES module through require(esm), and a worker terminated while
 * require(esm) is still instantiating the module aborts the whole process (SIGABRT from a native
 * assertion; seen when a second signal forces exit during warm-up). This CommonJS shim hands
 * piscina a promise of the handler loaded with `import()`, which a termination simply abandons.
 */
export = import('./generation-worker.js').then((worker) => worker.default);
