/**
 * Every subcommand, in the order `--help` lists them. A new command is a module in this folder
 * exporting a `Command`, added here (`generate`, `example`, `census` arrive with their issues).
 */
import type { Command } from '../command.js';
import { serveCommand } from './serve.js';

export const COMMANDS: readonly Command[] = [serveCommand];
