/**
 * Generates the OpenAPI document from the declared routes (what `npm run contract:write` pins
 * and what the contract-drift test compares with the pinned file).
 */
import { loadConfig } from '../config/env.js';
import { assembleApp } from './assemble.js';
import { createLogger } from './logger.js';

/** A placeholder for `/openapi.json` while generating: the route's schema, not its body, is documented. */
const PLACEHOLDER_CONTRACT = '{"openapi":"3.1.0","info":{},"paths":{}}';

export async function generateContract(): Promise<Record<string, unknown>> {
  const app = await assembleApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    logger: createLogger({ level: 'silent' }),
    contractJson: PLACEHOLDER_CONTRACT,
  });
  try {
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** The pinned file's exact text: two-space indentation and a final newline. */
export function formatContract(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
