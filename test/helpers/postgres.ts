/**
 * A real PostgreSQL for the suites that need one: `DATABASE_URL` (default: the machine's server,
 * trust authentication), and a fresh database per caller, created and dropped here, so files
 * running in parallel never see each other's tables.
 *
 * Without a reachable server the suites say they are skipped and why; with CI=true that is a
 * failure instead, so CI always runs them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Null when the server answers; otherwise why the suite is skipped. Throws under CI=true. */
export async function postgresSkipReason(): Promise<string | null> {
  try {
    await admin((client) => client.query('SELECT 1'));
    return null;
  } catch (error) {
    const reason = `no PostgreSQL at ${new URL(ADMIN_DATABASE_URL).host} (${error instanceof Error ? error.message : String(error)}); set DATABASE_URL`;
    if (process.env['CI'] === 'true') throw new Error(`CI=true and ${reason}: the PostgreSQL suites must run in CI`, { cause: error });
    return reason;
  }
}

export interface FreshDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server; `drop` removes it (connections included). */
export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `mp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(ADMIN_DATABASE_URL, name),
    name,
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
