// A draft 2020-12 validator with formats, as OpenAPI 3.1 consumers use, for the trust documents.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export function compileSchema(schema: Record<string, unknown>) {
  const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
  return ajv.compile(schema);
}
