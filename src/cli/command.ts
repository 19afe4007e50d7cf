/**
 * What a CLI subcommand is. Each lives in `src/cli/commands/<name>.ts`, exports one `Command`,
 * and is listed in `commands/index.ts`; `main.ts` parses the subcommand's flags with
 * `node:util` parseArgs from its `options` and calls `run`, whose result is the exit code.
 */
import type { ParseArgsConfig } from 'node:util';

/** Exit codes shared by every command (SPEC §14). */
export const EXIT_CODES = {
  /** Success; for `generate`, a PASS or PASS_WITH_WARNINGS decision. */
  ok: 0,
  /** Any error: bad flags, bad configuration, failure while running. */
  error: 1,
  /** The run finished with a REJECT decision (reserved for `generate` and `example`). */
  reject: 2,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export interface CommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandInput {
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis printed by `--help` and after a flag error. */
  readonly usage: string;
  /** What `--help` prints after the summary: the flags and notes, one per line. */
  readonly help?: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly allowPositionals?: boolean;
  run(input: CommandInput, io: CommandIo): Promise<ExitCode>;
}
