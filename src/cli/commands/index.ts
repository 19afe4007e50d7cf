/**
 * Every subcommand, in the order `--help` lists them. A new command is a module in this folder
 * exporting a `Command`, added here.
 */
import type { Command } from '../command.js';
import { censusCommand } from './census.js';
import { exampleCommand } from './example.js';
import { generateCommand } from './generate.js';
import { serveCommand } from './serve.js';

export const COMMANDS: readonly Command[] = [serveCommand, generateCommand, exampleCommand, censusCommand];
