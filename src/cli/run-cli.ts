/**
 * The dispatcher behind the `moldova-personas` bin: `<command> [flags]`, `--help`, `--version`.
 * It never calls `process.exit`; it returns the exit code, so tests drive it in-process.
 */
import { parseArgs } from 'node:util';
import { hasErrorCode } from '../errors.js';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../version.js';
import { EXIT_CODES, type Command, type CommandIo, type ExitCode } from './command.js';
import { COMMANDS } from './commands/index.js';
import { formatConfigError } from './config-error.js';

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
    '',
    'Usage: moldova-personas <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --help, --version',
    'Exit codes: 0 ok, 1 error, 2 REJECT decision',
    '',
  ].join('\n');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runCli(argv: readonly string[], io: CommandIo, commands: readonly Command[] = COMMANDS): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(overview(commands));
    return name === undefined ? EXIT_CODES.error : EXIT_CODES.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${GENERATOR_VERSION}\n`);
    return EXIT_CODES.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`moldova-personas: unknown command "${name}"\n\n${overview(commands)}`);
    return EXIT_CODES.error;
  }
  let input;
  try {
    input = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`moldova-personas ${command.name}: ${messageOf(error)}\nUsage: ${command.usage}\n`);
    return EXIT_CODES.error;
  }
  if (input.values['help'] === true) {
    io.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n${command.help === undefined ? '' : `\n${command.help}\n`}`);
    return EXIT_CODES.ok;
  }
  try {
    return await command.run({ values: input.values, positionals: input.positionals }, io);
  } catch (error) {
    if (hasErrorCode(error) && error.code === 'CONFIG_INVALID') {
      io.stderr.write(formatConfigError(error.message, io.env));
    } else if (hasErrorCode(error)) {
      io.stderr.write(`moldova-personas ${command.name}: ${error.code}: ${error.message}\n`);
    } else {
      // Not a coded failure: a bug. Its stack is what a maintainer needs.
      io.stderr.write(`moldova-personas ${command.name}: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return EXIT_CODES.error;
  }
}
