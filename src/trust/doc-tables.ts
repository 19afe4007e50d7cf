/**
 * The generated parts of `docs/trust.md`, rendered from the declared tables: profiles, the gate
 * code summary and per-code sections, confidence factors and caps, the conflict allowances, the
 * rounding overrides, which shuffled fields the drift checks catch and the plausibility rules. `scripts/gen-trust-doc.mjs`
 * writes them between the doc's GENERATED markers; a contract test fails when the doc and the
 * tables differ, so neither can drift.
 */
import { PROFILES } from '../domain/request.js';
import { PROFILE_LIST } from '../domain/profiles.js';
import { CONFIDENCE_CAPS } from './confidence.js';
import { CONFLICT_ALLOWANCES } from './conflict-allowances.js';
import { ROUNDING_OVERRIDES } from './rounding.js';
import { SHUFFLE_DETECTION } from './shuffle-detection.js';
import { PLAUSIBILITY_RULES } from './evaluation-input.js';
import { flaggedText, populationText } from '../generation/plausibility.js';
import {
  CONFIDENCE_FACTOR_NAMES,
  CONFIDENCE_FACTORS,
  GATE_CODES,
  GATES,
  type GateDefinition,
  type GateMeasure,
} from './gate-table.js';

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

function thresholdText(measure: GateMeasure, profile: (typeof PROFILES)[number]): string {
  const value = measure.threshold[profile];
  return value === null ? `from run: ${measure.threshold_source ?? '?'}` : String(value);
}

export function renderProfilesTable(): string {
  return table(
    ['profile', 'strict by default', 'narratives by default', 'narratives required', 'for'],
    PROFILE_LIST.map((p) => [`\`${p.profile}\``, String(p.strict_default), `\`${p.narratives_default}\``, String(p.narratives_required), p.description]),
  );
}

export function renderGateSummaryTable(): string {
  return table(
    ['code', 'category', 'stage', ...PROFILES.map((p) => `severity ${p}`), 'priority', 'origin'],
    GATE_CODES.map((code) => {
      const d: GateDefinition = GATES[code];
      return [`[\`${code}\`](#${code.toLowerCase()})`, d.category, d.stage, ...PROFILES.map((p) => d.severity[p]), d.priority, d.origin];
    }),
  );
}

function renderGateSection(code: (typeof GATE_CODES)[number]): string {
  const d: GateDefinition = GATES[code];
  const lines = [`#### ${code}`, '', `Fires when: ${d.fires_when}`, ''];
  if (d.measures.length > 0) {
    lines.push(
      table(
        ['measure', 'threshold name', 'fires if', ...PROFILES, 'unit', 'per', 'from sampling error'],
        d.measures.map((m) => [
          `\`${m.measure}\``,
          `\`${m.threshold_name}\``,
          `observed ${m.comparator} threshold`,
          ...PROFILES.map((p) => thresholdText(m, p)),
          m.unit,
          m.scope,
          m.sampling_adjusted ? 'yes' : 'no',
        ]),
      ),
      '',
    );
    if (d.measures.length > 1) lines.push(d.combine === 'all' ? 'Fires only when every measure crosses its threshold.' : 'Each measure that crosses its threshold fires its own record.', '');
  }
  const severity =
    d.stage === 'marker'
      ? 'A decision marker, not a gate: no severity; its one detail record has category `SUCCESS`, severity `info` and `observed` = the warning records behind it.'
      : `Severity: ${PROFILES.map((p) => `${p} **${d.severity[p]}**`).join(', ')}.`;
  lines.push(
    `${severity} Escalation priority: ${d.priority}${d.always_escalate ? ' (always escalates)' : ''}.`,
    '',
    `Recommendation: ${d.recommendation}`,
  );
  if (d.reason_added !== undefined) lines.push('', `Why added: ${d.reason_added}`);
  return lines.join('\n');
}

export function renderGateSections(): string {
  return GATE_CODES.map(renderGateSection).join('\n\n');
}

export function renderConfidenceTables(): string {
  const factors = table(
    ['factor', 'holds when'],
    CONFIDENCE_FACTOR_NAMES.map((name) => {
      const factor: { description: string; threshold?: number } = CONFIDENCE_FACTORS[name];
      return [`\`${name}\``, factor.threshold === undefined ? factor.description : `${factor.description.replace(/\.$/, '')} (${factor.threshold}).`];
    }),
  );
  const caps = table(
    ['cap', 'caps at', 'applies when'],
    CONFIDENCE_CAPS.map((cap) => [`\`${cap.id}\``, cap.cap, cap.description]),
  );
  return `${factors}\n\n${caps}`;
}

export function renderConflictAllowances(): string {
  return table(
    ['check', 'row', 'allowance', 'kind', 'reason', 'source'],
    CONFLICT_ALLOWANCES.map((entry) => [`\`${entry.check}\``, entry.row ?? '(field)', entry.allowance, entry.kind, entry.reason, entry.source]),
  );
}

export function renderRoundingOverrides(): string {
  return table(
    ['table', 'half unit', 'why'],
    ROUNDING_OVERRIDES.map((entry) => [`\`${entry.table_id}\``, entry.half_unit, entry.reason]),
  );
}

export function renderShuffleDetection(): string {
  return table(
    ['field', 'caught by', 'why / why not yet', 'consistency rules the shuffled records break', 'plausibility rules they exceed'],
    Object.entries(SHUFFLE_DETECTION).map(([field, entry]) => [
      `\`${field}\``,
      entry.caught_by.length === 0 ? 'not yet' : entry.caught_by.map((id) => `\`${id}\``).join(', '),
      entry.note,
      entry.breaks_rules.length === 0 ? '—' : entry.breaks_rules.map((rule) => `\`${rule}\``).join(', '),
      (entry.exceeds_plausibility ?? []).length === 0 ? '—' : (entry.exceeds_plausibility ?? []).map((rule) => `\`${rule}\``).join(', '),
    ]),
  );
}

export function renderPlausibilityRules(): string {
  return table(
    ['rule', 'flags', 'among (the rate\'s denominator)', 'limit', 'why this limit'],
    PLAUSIBILITY_RULES.map((rule) => [
      `\`${rule.id}\``,
      `${rule.description} (${flaggedText(rule.flagged)})`,
      populationText(rule.population),
      `${Math.round(rule.limit * 1e4) / 100}%`,
      rule.reason,
    ]),
  );
}

/** Every generated block of the doc, by marker name. */
export const TRUST_DOC_BLOCKS: Readonly<Record<string, () => string>> = {
  profiles: renderProfilesTable,
  'gate-summary': renderGateSummaryTable,
  'gate-sections': renderGateSections,
  confidence: renderConfidenceTables,
  'conflict-allowances': renderConflictAllowances,
  'rounding-overrides': renderRoundingOverrides,
  'shuffle-detection': renderShuffleDetection,
  'plausibility-rules': renderPlausibilityRules,
};
