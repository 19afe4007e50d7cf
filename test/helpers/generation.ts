/**
 * Reference paths of the generator that production does not take, for tests to compare against.
 */
import { COMPARED_FIELDS, type ComparedField } from '../../src/domain/fields.js';
import type { Scope } from '../../src/domain/request.js';
import { fieldMasses } from '../../src/generation/field-targets.js';
import { minAgeOf, type GenerationModel } from '../../src/generation/model.js';
import { normalise } from '../../src/generation/table-view.js';

/**
 * The share of each compared field a run is expected to have: the distributions of the joint and
 * conditional tables its personas are drawn from (raked, or the priors with `use_ipf: false`),
 * restricted to the scope. What the sampled counts scatter around, without the sampling noise.
 */
export function expectedShares(model: GenerationModel, scope: Scope): Record<ComparedField, number[]> {
  const masses = fieldMasses(model.joint, model.conditionals, minAgeOf(scope));
  return Object.fromEntries(COMPARED_FIELDS.map((field) => [field, normalise(masses[field])])) as Record<ComparedField, number[]>;
}
