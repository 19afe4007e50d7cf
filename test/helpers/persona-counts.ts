// Counts of a dataset recomputed from its records (what the sampler counts while it draws), so
// tests can evaluate a dataset edited after generation (e.g. one field shuffled). Tests first
// require these counts to equal the engine's on the unedited records, so a counter the engine
// adds and this helper misses fails loudly instead of reading as zero.
import { COMPARED_FIELDS } from '../../src/domain/fields.js';
import { ETHNICITIES, FIELD_CODES, LANGUAGES, RELIGIONS, RESIDENCES } from '../../src/domain/categories.js';
import type { Persona } from '../../src/domain/persona.js';
import { forEachViolation } from '../../src/generation/consistency.js';
import { countPlausibilityOf } from '../../src/generation/plausibility.js';
import { AGE_85_PLUS_INDEX } from '../../src/generation/key-joint.js';
import { emptyCounts, type ShardCounts } from '../../src/generation/shard-counts.js';
import { countUnits } from '../../src/generation/unit-checks.js';

const decoder = new TextDecoder();

export function personasOfBytes(bytes: Uint8Array): Persona[] {
  return decoder
    .decode(bytes)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Persona);
}

function indexOf(field: (typeof COMPARED_FIELDS)[number], value: string | null): number {
  if (value === null) return -1;
  const at = (FIELD_CODES[field] as readonly string[]).indexOf(value);
  if (at < 0) throw new Error(`${field}: unknown code ${value}`);
  return at;
}

export function countsOfPersonas(personas: readonly Persona[]): ShardCounts {
  const counts = emptyCounts();
  const ids = new Set<string>();
  const E = ETHNICITIES.length;
  for (const persona of personas) {
    for (const field of COMPARED_FIELDS) {
      const at = indexOf(field, persona[field]);
      if (at >= 0) counts[field][at]! += 1;
    }
    const g = indexOf('region', persona.region);
    const r = indexOf('residence', persona.residence);
    const e = indexOf('ethnicity', persona.ethnicity);
    counts.residence_ethnicity[r * E + e]! += 1;
    counts.region_ethnicity[g * E + e]! += 1;
    counts.ethnicity_mother_tongue[e * LANGUAGES.length + indexOf('mother_tongue', persona.mother_tongue)]! += 1;
    counts.ethnicity_religion[e * RELIGIONS.length + indexOf('religion', persona.religion)]! += 1;
    counts.region_residence[g * RESIDENCES.length + r]! += 1;
    // The unit checks (src/generation/unit-checks.ts), recounted from the record's own fields.
    const ageIndex = Math.min(persona.age, AGE_85_PLUS_INDEX);
    countUnits(
      counts,
      indexOf('district', persona.district),
      r,
      indexOf('sex', persona.sex),
      ageIndex,
      indexOf('mother_tongue', persona.mother_tongue),
      indexOf('religion', persona.religion),
      indexOf('education_level', persona.education_level),
      indexOf('employment_status', persona.employment_status),
      indexOf('inactivity_reason', persona.inactivity_reason),
      indexOf('economic_sector', persona.economic_sector),
    );
    forEachViolation(persona, (rule) => (counts.consistency[rule]! += 1));
    countPlausibilityOf(persona, counts.plausibility_population, counts.plausibility_flagged);
    if (ids.has(persona.id)) counts.duplicate_ids[0]! += 1;
    ids.add(persona.id);
  }
  return counts;
}
