// What other folders (and tests) may use from src/cli.
export { EXIT_CODES, type Command, type CommandInput, type CommandIo, type ExitCode } from './command.js';
export { COMMANDS } from './commands/index.js';
export { allowedValuesOf, formatConfigError, invalidVariables } from './config-error.js';
export { runCli } from './run-cli.js';
export { closeOnSignal, SHUTDOWN_SIGNALS, type ShutdownOptions } from './shutdown.js';
