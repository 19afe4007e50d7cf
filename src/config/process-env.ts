/**
 * The process environment, for entry points (the CLI) to hand to `loadConfig`. Reading it here
 * keeps `src/config` the only place that touches `process.env` (eslint enforces it).
 */
export function readProcessEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
