/**
 * The service's configuration: one zod schema over the environment, with defaults and coercions.
 * `loadConfig(env)` is the only reader of environment variables (callers pass `process.env`),
 * parses once and deep-freezes the result. The README's configuration table is checked against
 * `CONFIG_VARIABLES` by a test, in both directions.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ServiceError } from '../errors.js';
import { deepFreeze } from '../deep-freeze.js';
import { PXWEB_MODES } from '../domain/request.js';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Each variable: its schema (with default) and the sentence the README shows for it. */
export const CONFIG_VARIABLES = {
  PORT: { schema: integer(0, 65_535).default(8080), doc: 'TCP port to listen on.' },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Interface to bind.' },
  DATA_DIR: {
    schema: z.string().min(1).default('./var'),
    doc: 'Directory for the run store (`runs/`) and the PxWeb cache (`census-cache/`).',
  },
  RUN_STORE: {
    schema: z.enum(['file', 'postgres']).default('file'),
    doc: 'Where runs live: `file` (under `DATA_DIR`, one process) or `postgres` (`DATABASE_URL`, shared by every replica; migrations run at start).',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .default('')
      .refine((value) => value === '' || /^postgres(ql)?:\/\//.test(value), { message: 'expected a postgres:// or postgresql:// connection URL' }),
    doc: 'PostgreSQL connection URL for `RUN_STORE=postgres` (e.g. `postgres://postgres@127.0.0.1:5432/personas`; never logged).',
  },
  SPREAD_MIN_SHARDS: {
    schema: integer(0, 1_000_000).default(8),
    doc: 'With `RUN_STORE=postgres`, a run of at least this many shards (16,384 personas each) has its shards sampled by every replica; `0` keeps every run on the replica that executes it.',
  },
  WORKERS: {
    schema: integer(1, 64).default(() => Math.max(1, availableParallelism())),
    doc: 'Worker threads that generate shards (default: available parallelism).',
  },
  MAX_N: { schema: integer(1, 10_000_000).default(1_000_000), doc: 'Largest `n` a run may ask for.' },
  SYNC_MAX_N: {
    schema: integer(0, 10_000_000).default(10_000),
    doc: 'Largest `n` answered synchronously (201); larger runs are queued (202).',
  },
  MAX_QUEUE: { schema: integer(1, 100_000).default(64), doc: 'Runs queued or running, and sync answers their clients have not read yet, before new runs get 503.' },
  RUN_CONCURRENCY: {
    schema: integer(1, 64).default(2),
    doc: 'Runs executing at once (they share the worker pool; more than one keeps small runs from waiting behind a large one).',
  },
  IPF_TOLERANCE: {
    schema: z.coerce.number().min(1e-15).max(1e-2).default(1e-10),
    doc: 'IPF stops once every margin is within this share of the total (recorded as `calibration.tolerance`).',
  },
  IPF_MAX_ITERATIONS: {
    schema: integer(1, 100_000).default(500),
    doc: 'IPF sweeps at most; a run that stops here unconverged fires `IPF_DIVERGENCE`.',
  },
  MAX_CONNECTIONS: {
    schema: integer(16, 1_000_000).default(4_096),
    doc: 'Open client connections at most; past it the longest-idle connection is closed to make room (keep it well below `ulimit -n`).',
  },
  HEADERS_TIMEOUT_MS: {
    schema: integer(1_000, 30_000).default(10_000),
    doc: 'Time a connection has to send complete request headers (an idle new connection included), ms; then 408 and the connection is closed.',
  },
  BODY_LIMIT: { schema: integer(1_024, 10_485_760).default(65_536), doc: 'Largest request body in bytes (413 above).' },
  RUN_TTL_HOURS: { schema: z.coerce.number().positive().max(87_600).default(168), doc: 'Hours a finished run is kept.' },
  API_KEYS: {
    // Unset (or empty) disables auth; a list that is set but names no key (" , ") is a mistake
    // that would silently disable it too, so it is refused.
    schema: z
      .string()
      .default('')
      .transform((value, context) => {
        const keys = value
          .split(',')
          .map((key) => key.trim())
          .filter((key) => key.length > 0);
        if (keys.length === 0 && value !== '') {
          context.addIssue({ code: 'custom', message: 'lists no key (only commas and spaces); leave it unset to disable auth' });
          return z.NEVER;
        }
        return keys;
      }),
    doc: 'Comma-separated bearer keys for `/v1/*`; unset disables auth (a value naming no key, such as `" , "`, is refused).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  PXWEB_MODE: {
    schema: z.enum(PXWEB_MODES).default('off'),
    doc: '`off`: embedded snapshot only; `cache`: use cached PxWeb tables; `live`: refresh stale tables at run start.',
  },
  PXWEB_BASE_URL: {
    schema: z.url().default('https://statbank.statistica.md/PxWeb/api/v1/ro'),
    doc: 'NBS PxWeb API v1 base URL.',
  },
  PXWEB_TIMEOUT_MS: {
    schema: integer(100, 600_000).default(10_000),
    doc: 'Timeout of one PxWeb request for its headers, and between two chunks of its body, ms.',
  },
  PXWEB_DEADLINE_MS: {
    schema: integer(100, 3_600_000).default(30_000),
    doc: 'Deadline of one PxWeb call as a whole (retries and a trickling body included), ms; past it the fetch fails as `timeout`.',
  },
  PXWEB_MAX_BYTES: {
    schema: integer(1_024, 1_073_741_824).default(8_388_608),
    doc: 'Largest PxWeb answer body read, bytes (real tables are tens of KB); a larger one is cut off as `schema_drift`.',
  },
  PXWEB_MAX_AGE_DAYS: {
    schema: z.coerce.number().positive().max(3_650).default(30),
    doc: 'In `live` mode, cached tables older than this are refreshed at run start.',
  },
  LLM_BASE_URL: {
    schema: z.union([z.url(), z.literal('')]).default(''),
    doc: 'OpenAI-compatible API base (e.g. `http://localhost:11434/v1`); empty disables the `llm` provider.',
  },
  LLM_API_KEY: { schema: z.string().default(''), doc: 'Bearer key for the LLM endpoint (never logged).' },
  LLM_MODEL: { schema: z.string().default(''), doc: 'Model name sent to the LLM endpoint.' },
  LLM_CONCURRENCY: { schema: integer(1, 256).default(4), doc: 'Concurrent LLM requests per run.' },
  LLM_TIMEOUT_MS: {
    schema: integer(100, 600_000).default(30_000),
    doc: 'Deadline of one LLM call, every retry and back-off included, ms (a narrative takes one call, two with its repair).',
  },
  LLM_MAX_N: {
    schema: integer(1, 10_000_000).default(10_000),
    doc: 'Largest `n` of a run with `llm` narratives (422 `REQUEST_LIMIT_EXCEEDED` above, and `generate` exits 1); at most `MAX_N`.',
  },
  LLM_BREAKER_FAILURES: {
    schema: integer(1, 1_000).default(5),
    doc: 'Consecutive LLM calls that time out or find the endpoint unreachable or failing (5xx/429 after retries) before the circuit opens and later calls fail at once (`LLM_CIRCUIT_OPEN`).',
  },
  LLM_BREAKER_COOLDOWN_MS: {
    schema: integer(0, 3_600_000).default(30_000),
    doc: 'How long the LLM circuit stays open before one probe call is let through, ms.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(0, 600_000).default(10_000),
    doc: 'On SIGTERM/SIGINT, how long in-flight requests may take before the process exits.',
  },
} as const;

type Variables = typeof CONFIG_VARIABLES;
export const ConfigSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_VARIABLES).map(([name, v]) => [name, v.schema])) as {
    [K in keyof Variables]: Variables[K]['schema'];
  },
);
export type Config = Readonly<z.infer<typeof ConfigSchema>>;


/**
 * Parses the environment into a frozen `Config`. Empty strings count as unset, so
 * `PORT=` behaves like no `PORT`. Throws `CONFIG_INVALID` naming each bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const input: Record<string, string> = {};
  for (const name of Object.keys(CONFIG_VARIABLES)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(config)');
      return `${name}=${JSON.stringify(input[name] ?? '')}: ${issue.message}`;
    });
    throw new ServiceError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  }
  if (parsed.data.RUN_STORE === 'postgres' && parsed.data.DATABASE_URL === '') {
    throw new ServiceError('CONFIG_INVALID', 'invalid configuration:\n  RUN_STORE="postgres": needs DATABASE_URL', { details: { problems: ['RUN_STORE="postgres": needs DATABASE_URL'] } });
  }
  const config = { ...parsed.data };
  if (config.SYNC_MAX_N > config.MAX_N) config.SYNC_MAX_N = config.MAX_N;
  if (config.LLM_MAX_N > config.MAX_N) config.LLM_MAX_N = config.MAX_N;
  return deepFreeze(config);
}

/** The IPF stopping rule the configuration asks for, as the worker pool takes it. */
export function ipfSettingsOf(config: Pick<Config, 'IPF_TOLERANCE' | 'IPF_MAX_ITERATIONS'>): { tolerance: number; maxIterations: number } {
  return { tolerance: config.IPF_TOLERANCE, maxIterations: config.IPF_MAX_ITERATIONS };
}
