import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PersonaSchema } from '../../../../src/domain/persona.js';
import type { ZodApp } from '../../../../src/http/route-schema.js';
import { buildTestApp } from '../../../helpers/app.js';
import { expectContract } from '../../../helpers/contract.js';

/** The categorical fields of the persona record and their codes, read from the persona schema itself. */
function personaEnums(): Record<string, readonly string[]> {
  const enums: Record<string, readonly string[]> = {};
  for (const [field, schema] of Object.entries(PersonaSchema.shape)) {
    const inner = schema instanceof z.ZodNullable ? schema.unwrap() : schema;
    if (inner instanceof z.ZodEnum) enums[field] = inner.options.map(String);
  }
  return enums;
}

describe('GET /v1/schema/labels', () => {
  let app: ZodApp;
  let labels: Record<string, { code: string; label_ro: string }[]>;
  beforeAll(async () => {
    app = await buildTestApp();
    const response = await request(app.server).get('/v1/schema/labels');
    expect(response.status).toBe(200);
    labels = (await expectContract(response)) as typeof labels;
  });
  afterAll(async () => {
    await app.close();
  });

  it('has one list per categorical persona field, in record order', () => {
    expect(Object.keys(labels)).toEqual(Object.keys(personaEnums()));
  });

  it('lists exactly the codes the persona schema accepts, in catalogue order', () => {
    for (const [field, codes] of Object.entries(personaEnums())) {
      expect(labels[field]?.map((entry) => entry.code), field).toEqual(codes);
    }
  });

  it('gives the Romanian labels, diacritics intact', () => {
    expect(labels['sex']).toEqual([
      { code: 'female', label_ro: 'Feminin' },
      { code: 'male', label_ro: 'Masculin' },
    ]);
    expect(labels['district']?.find((d) => d.code === 'stefan_voda')?.label_ro).toBe('Ștefan Vodă');
    expect(labels['age_group']?.at(-1)).toEqual({ code: '85+', label_ro: '85 ani și peste' });
    expect(labels['language_usually_spoken']).toEqual(labels['mother_tongue']);
  });
});
