// `npm run contract:write`: regenerates openapi/openapi.json from the declared routes (after a
// build). Review the diff: a change of this file is a change of the public contract.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { formatContract, generateContract } from '../dist/http/generate-contract.js';
import { PINNED_CONTRACT_URL } from '../dist/http/openapi.js';

const target = fileURLToPath(PINNED_CONTRACT_URL);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, formatContract(await generateContract()));
process.stdout.write(`wrote ${target}\n`);
