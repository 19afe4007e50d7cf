/**
 * The decision rule of SPEC §8.2–8.3, applied once to the records the gates emitted:
 * REJECT iff a hard gate fired, else PASS_WITH_WARNINGS iff a warning fired, else PASS.
 *
 * `gate_codes` (our reading of §8.2, see docs/trust.md): hard codes in ASCII order, then
 * warning codes in ASCII order, then the marker of a non-rejecting decision (`PASS` or
 * `PASS_WITH_WARNINGS`), de-duplicated. So PASS gives ["PASS"], PASS_WITH_WARNINGS gives
 * [warnings…, "PASS_WITH_WARNINGS"], REJECT gives [hard…, warnings…]; never empty, and the
 * decision is readable from the list alone. Strict mode never changes the decision: it adds
 * STRICT_MODE_BLOCKED to a rejected run and withholds its dataset.
 */
import type { Profile } from '../domain/request.js';
import { COMPARED_FIELDS, type ComparedField } from '../domain/fields.js';
import { detailOf, type GateDetail } from './gates/gate-detail.js';
import { GATES, type GateCode, type GateDefinition } from './gate-table.js';

export const DECISIONS = ['PASS', 'PASS_WITH_WARNINGS', 'REJECT'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface GateOutcome {
  readonly decision: Decision;
  readonly gate_codes: readonly GateCode[];
  /** The firing records, ordered as `gate_codes`, then by field, subject and measure. */
  readonly gate_code_details: readonly GateDetail[];
  /** One line per entry of `gate_codes`, same order. */
  readonly recommendations: readonly string[];
  readonly hard_gates_triggered: boolean;
  readonly should_escalate: boolean;
  readonly escalation_priority: number;
  /** Strict and rejected: the dataset is not released (at preflight: not generated). */
  readonly withhold_dataset: boolean;
}

const NO_ESCALATION_PRIORITY = 10;

function ascii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fieldRank(field: ComparedField | null): number {
  return field === null ? -1 : COMPARED_FIELDS.indexOf(field);
}

function measureRank(detail: GateDetail): number {
  const definition: GateDefinition = GATES[detail.code];
  return definition.measures.findIndex((entry) => entry.measure === detail.measure);
}

/** Hard codes (ASCII), warning codes (ASCII), then the marker of a non-rejecting decision. */
export function orderGateCodes(details: readonly GateDetail[]): { decision: Decision; gate_codes: GateCode[] } {
  const hard = [...new Set(details.filter((detail) => detail.is_hard_gate).map((detail) => detail.code))].sort(ascii);
  const warnings = [...new Set(details.filter((detail) => !detail.is_hard_gate).map((detail) => detail.code))]
    .filter((code) => !hard.includes(code))
    .sort(ascii);
  if (hard.length > 0) return { decision: 'REJECT', gate_codes: [...hard, ...warnings] };
  if (warnings.length > 0) return { decision: 'PASS_WITH_WARNINGS', gate_codes: [...warnings, 'PASS_WITH_WARNINGS'] };
  return { decision: 'PASS', gate_codes: ['PASS'] };
}

/**
 * The record of a passing decision's marker, as the predecessor documented it (category
 * `SUCCESS`, not a hard gate, its recommendation), so a consumer reading the details of a passing
 * run finds one. `observed` counts the warning records behind it (0 for PASS).
 */
function markerDetail(marker: 'PASS' | 'PASS_WITH_WARNINGS', warnings: number): GateDetail {
  return {
    code: marker,
    category: MARKER_DETAIL_CATEGORY,
    severity: 'info',
    is_hard_gate: false,
    field: null,
    subject: null,
    measure: 'warning_records',
    comparator: '>',
    observed: warnings,
    threshold: 0,
    recommendation: GATES[marker].recommendation,
  };
}

/** The category the predecessor's payload example gives the marker record. */
export const MARKER_DETAIL_CATEGORY = 'SUCCESS';

export function decide(args: { readonly profile: Profile; readonly strict: boolean; readonly firings: readonly GateDetail[] }): GateOutcome {
  const hardCodes = new Set(args.firings.filter((detail) => detail.is_hard_gate).map((detail) => detail.code));
  const blocked =
    args.strict && hardCodes.size > 0
      ? detailOf(args.profile, 'STRICT_MODE_BLOCKED', 'hard_gates', { observed: hardCodes.size, threshold: 0 })
      : [];
  const firings = [...args.firings, ...blocked];
  const { decision, gate_codes } = orderGateCodes(firings);
  const position = new Map(gate_codes.map((code, index) => [code, index]));
  const details = [...firings].sort(
    (a, b) =>
      (position.get(a.code) ?? 0) - (position.get(b.code) ?? 0) ||
      fieldRank(a.field) - fieldRank(b.field) ||
      ascii(a.subject ?? '', b.subject ?? '') ||
      measureRank(a) - measureRank(b),
  );
  const hardTriggered = firings.some((detail) => detail.is_hard_gate);
  const definitions = gate_codes.map((code): GateDefinition => GATES[code]);
  return {
    decision,
    gate_codes,
    gate_code_details: decision === 'REJECT' ? details : [...details, markerDetail(decision, firings.length)],
    recommendations: definitions.map((definition) => definition.recommendation),
    hard_gates_triggered: hardTriggered,
    should_escalate: decision === 'REJECT' || hardTriggered || definitions.some((definition) => definition.always_escalate),
    escalation_priority: Math.min(NO_ESCALATION_PRIORITY, ...definitions.map((definition) => definition.priority)),
    withhold_dataset: args.strict && decision === 'REJECT',
  };
}
