#!/usr/bin/env node
// The `moldova-personas` bin. Everything but reading the process's argv and environment is in runCli.
import { readProcessEnv } from '../config/process-env.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: readProcessEnv(),
  stdout: process.stdout,
  stderr: process.stderr,
});
