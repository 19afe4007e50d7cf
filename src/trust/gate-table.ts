/**
 * The declared gate table (SPEC §8.1): for every code, what it measures, the comparator and the
 * threshold per profile, the severity per profile, the escalation priority and the
 * recommendation. Gates read their thresholds and severities from here and nowhere else;
 * `GET /v1/gate-codes` serves this table and `docs/trust.md` is generated from it.
 *
 * The 28 codes of the predecessor keep their names and meanings; codes added here are marked
 * `origin: 'added'`. Codes are permanent: never reuse or repurpose one.
 *
 * This is a data table, which is why it runs past the usual module length.
 */
import type { Profile } from '../domain/request.js';

export type Severity = 'hard' | 'warning' | 'off';
export type Comparator = '>' | '<';
export type PerProfile<T> = { readonly [P in Profile]: T };

/** What a measure is computed over: the whole run, one field, one table, one rule or one joint check. */
export type MeasureScope = 'run' | 'field' | 'table' | 'rule' | 'joint_check';

export interface GateMeasure {
  /** The measure's name, as in signals and detail records (`observed` is this value). */
  readonly measure: string;
  /** The threshold's name (kept from the predecessor where it had one). */
  readonly threshold_name: string;
  readonly comparator: Comparator;
  /** null: the threshold comes from the run itself (named in `threshold_source`). */
  readonly threshold: PerProfile<number | null>;
  readonly threshold_source?: string;
  readonly unit: 'share' | 'bits' | 'p_value' | 'days' | 'count' | 'ratio' | 'flag';
  readonly scope: MeasureScope;
  /** The threshold is derived from the sampling error at the run's n (`DRIFT_THRESHOLDS`). */
  readonly sampling_adjusted: boolean;
  readonly description: string;
}

export interface GateDefinition {
  readonly category: string;
  /** `marker`: PASS / PASS_WITH_WARNINGS, not gates. `decision`: derived from the other gates. */
  readonly stage: 'preflight' | 'evaluation' | 'decision' | 'marker';
  readonly origin: 'predecessor' | 'added';
  /** Why the code was added (for `origin: 'added'`). */
  readonly reason_added?: string;
  readonly fires_when: string;
  /** `any`: each measure over its threshold fires a record; `all`: every measure must be over. */
  readonly combine: 'any' | 'all';
  readonly measures: readonly GateMeasure[];
  readonly severity: PerProfile<Severity>;
  /** 1 (page now) … 10 (routine); SPEC §8.3. */
  readonly priority: number;
  /** Escalate whenever it fires, whatever its severity (SPEC §8.3: PII). */
  readonly always_escalate: boolean;
  readonly recommendation: string;
}

function each<const T>(value: T): PerProfile<T> {
  return { analysis_only: value, narrative_required: value, high_stakes: value };
}

function perProfile<const T>(analysisOnly: T, narrativeRequired: T, highStakes: T): PerProfile<T> {
  return { analysis_only: analysisOnly, narrative_required: narrativeRequired, high_stakes: highStakes };
}

/** A 0/1 measure that fires when the condition holds (observed 1 > threshold 0). */
function flag(measure: string, scope: MeasureScope, description: string): GateMeasure {
  return {
    measure,
    threshold_name: 'none',
    comparator: '>',
    threshold: each(0),
    unit: 'flag',
    scope,
    sampling_adjusted: false,
    description,
  };
}

/** A count that must stay at zero. */
function zeroCount(measure: string, scope: MeasureScope, description: string): GateMeasure {
  return { ...flag(measure, scope, description), threshold_name: `max_${measure}`, unit: 'count' };
}

/** Narrative check ratios over the personas whose narrative was requested. */
function narrativeRatio(measure: string, threshold: PerProfile<number>, description: string): GateMeasure {
  return {
    measure,
    threshold_name: `max_${measure}`,
    comparator: '>',
    threshold,
    unit: 'share',
    scope: 'run',
    sampling_adjusted: false,
    description,
  };
}

const NARRATIVE_CHECK_LIMIT = perProfile(0.1, 0.05, 0.02);

/** What a marker's detail record carries (category SUCCESS, severity info): the warnings behind it. */
const MARKER_MEASURE = zeroCount('warning_records', 'run', 'Warning records behind the decision: 0 for PASS, at least 1 for PASS_WITH_WARNINGS.');

/**
 * Drift thresholds from the sampling error (docs/trust.md §5.2). Every compared row (a field, or
 * one row of a joint check) is gated at T = c(α, M)·E[TVD](n_row) + rounding floor + conflict
 * allowance, with c(α, M) = √(π/2)·Φ⁻¹(1 − α/(2M)) over the M rows the run measures, so a run
 * drawn from its targets raises a false drift alarm with probability at most α. The hard
 * marginal gate fires at `critical_factor` × T. One statistical threshold for every profile:
 * profiles differ in severity, not in what counts as drift.
 */
export const DRIFT_THRESHOLDS = { alpha: 1e-3, critical_factor: 2 } as const;

const DRIFT_THRESHOLD_SOURCE = `sampling: c(α, M)·E[TVD](n) + rounding floor + conflict allowance, per row (α = ${DRIFT_THRESHOLDS.alpha}, M = rows measured)`;
const P_VALUE_SOURCE = `α / M (α = ${DRIFT_THRESHOLDS.alpha}, M = rows measured)`;

/**
 * The plausibility gate's test (src/trust/plausibility.ts): a rule fires when its rate is above
 * its limit and the exact binomial test of "rate ≤ limit" rejects at α / R over the R rules
 * measured, so a generator that keeps every rule at its limit warns by chance with probability
 * at most α.
 */
export const PLAUSIBILITY_TEST = { alpha: 1e-3 } as const;

/** The chi-square conjunction of both marginal drift gates: the field's drift must also reject chance. */
const FIELD_P_VALUE_MEASURE: GateMeasure = {
  measure: 'chi_square_p_value',
  threshold_name: 'max_chi_square_p_value',
  comparator: '<',
  threshold: each(null),
  threshold_source: P_VALUE_SOURCE,
  unit: 'p_value',
  scope: 'field',
  sampling_adjusted: true,
  description: 'p-value of Pearson\'s chi-square goodness-of-fit test of the field (categories with expected count < 5 pooled).',
};

export const GATES = {
  // PASS markers: the decision when nothing (or only warnings) fired. Not gates.
  PASS: {
    category: 'PASS',
    stage: 'marker',
    origin: 'predecessor',
    fires_when: 'The decision is PASS: no gate fired.',
    combine: 'any',
    measures: [MARKER_MEASURE],
    severity: each('off'),
    priority: 10,
    always_escalate: false,
    recommendation: 'No action needed: every gate passed for this profile; use the dataset.',
  },
  PASS_WITH_WARNINGS: {
    category: 'PASS',
    stage: 'marker',
    origin: 'predecessor',
    fires_when: 'The decision is PASS_WITH_WARNINGS: warnings fired, no hard gate did.',
    combine: 'any',
    measures: [MARKER_MEASURE],
    severity: each('off'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Read the warnings listed before use; they do not block this profile but may matter for yours.',
  },

  // TARGET / FALLBACK / ESTIMATED: provenance of the compared targets (preflight).
  TARGET_FALLBACK_SUPERCRITICAL: {
    category: 'TARGET',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'Too many super-critical fields (region, ethnicity, education_level, employment_status) have a modelled or secondary target.',
    combine: 'any',
    measures: [
      {
        measure: 'fallback_ratio_super_critical',
        threshold_name: 'max_fallback_ratio_super_critical',
        comparator: '>',
        threshold: perProfile(1.0, 0.5, 0.5),
        unit: 'share',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Share of the compared super-critical fields whose target is modelled or secondary.',
      },
    ],
    severity: perProfile('off', 'hard', 'hard'),
    priority: 2,
    always_escalate: false,
    recommendation:
      'Most super-critical targets are not official figures for this universe: run with PXWEB_MODE=live (or cache) to get official tables, use scope "all" where official all-ages figures exist, or use the analysis_only profile.',
  },
  FALLBACK_SUPERCRITICAL_FIELD: {
    category: 'FALLBACK',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'A super-critical field has a modelled or secondary target (one record per field).',
    combine: 'any',
    measures: [
      {
        measure: 'fallback_ratio_super_critical',
        threshold_name: 'max_super_critical_fallback_fields',
        comparator: '>',
        threshold: each(0),
        unit: 'share',
        scope: 'field',
        sampling_adjusted: false,
        description: 'Share of the compared super-critical fields whose target is modelled or secondary; each such field gets a record.',
      },
    ],
    severity: perProfile('off', 'warning', 'hard'),
    priority: 2,
    always_escalate: false,
    recommendation:
      'This super-critical field is calibrated to a non-official target: refresh the official table through PxWeb (PXWEB_MODE=live) or accept the modelled target knowingly (it is listed in signals.provenance_by_field).',
  },
  FALLBACK_CRITICAL_FIELD: {
    category: 'FALLBACK',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'The share of critical and super-critical fields with a modelled or secondary target exceeds the limit (one record per such critical field).',
    combine: 'any',
    measures: [
      {
        measure: 'fallback_ratio_critical',
        threshold_name: 'max_fallback_ratio_critical',
        comparator: '>',
        threshold: perProfile(0.7, 0.7, 0.4),
        unit: 'share',
        scope: 'field',
        sampling_adjusted: false,
        description: 'Share of the compared critical and super-critical fields whose target is modelled or secondary.',
      },
    ],
    severity: perProfile('off', 'warning', 'warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'Many critical fields use non-official targets: refresh the PxWeb tables (PXWEB_MODE=live or POST /v1/census/refresh) to replace the modelled targets with official ones.',
  },
  ESTIMATED_FIELD_USED: {
    category: 'ESTIMATED',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'A compared field has a modelled target (one record per field).',
    combine: 'any',
    measures: [flag('modelled_target', 'field', 'The field\'s target rests on a documented model assumption (1), not on a published figure for this universe.')],
    severity: perProfile('off', 'warning', 'warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'This field\'s target is modelled (see the report for the method): treat its distribution as an assumption, or supply an official table through PxWeb.',
  },

  // SNAPSHOT / PXWEB: staleness and fetching of the sources (preflight).
  SNAPSHOT_SERIES_STALE: {
    category: 'SNAPSHOT',
    stage: 'preflight',
    origin: 'added',
    reason_added:
      'SPEC §8.2 makes periodic snapshot series (annual estimates, LFS) go stale; issue #13 makes that follow the series\' reference period and release cycle, not the date the figures were copied. PXWEB_CACHE_STALE means "refresh the PxWeb cache", which does not fit an embedded annual series, so the embedded snapshot gets its own code.',
    fires_when:
      'A periodic series in the embedded snapshot is superseded: the reference set shows its next vintage published, or the date its release cycle puts the next vintage at has passed (one record per table). Final census results and models are never superseded.',
    combine: 'any',
    measures: [
      flag('series_superseded', 'table', 'The next vintage of this series is published (seen in the reference set) (1).'),
      flag('series_release_overdue', 'table', 'The expected release date of the next vintage has passed; its publication is not verified (1).'),
    ],
    // analysis_only must reach PASS offline (SPEC §8.2): the superseded vintage is disclosed in
    // signals.data_vintage_status, the report and the stale_sources confidence factor instead.
    severity: perProfile('off', 'warning', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'A newer vintage of this series is (or is due to be) published: fetch it through PxWeb (PXWEB_MODE=live) or update the embedded snapshot.',
  },
  PXWEB_CACHE_STALE: {
    category: 'PXWEB',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'A table read from PxWeb (cache or fetch) is older than the limit (one record per table).',
    combine: 'any',
    measures: [
      {
        measure: 'cache_age_days',
        threshold_name: 'max_cache_age_days',
        comparator: '>',
        threshold: perProfile(60, 30, 7),
        unit: 'days',
        scope: 'table',
        sampling_adjusted: false,
        description: 'Days since the table was fetched from PxWeb.',
      },
    ],
    severity: perProfile('warning', 'warning', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Refresh the PxWeb cache (POST /v1/census/refresh, or PXWEB_MODE=live) and run again.',
  },
  PXWEB_FETCH_FAILED: {
    category: 'PXWEB',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'A PxWeb fetch attempted for this run failed (timeout, HTTP error, network, schema drift, open circuit).',
    combine: 'any',
    measures: [zeroCount('failed_fetches', 'run', 'PxWeb tables whose fetch failed in this run (older cache or snapshot used instead).')],
    severity: each('warning'),
    priority: 6,
    always_escalate: false,
    recommendation:
      'Check connectivity to the NBS PxWeb API and the fetch log in the report; the run used the cached or embedded figures instead.',
  },

  // CONFIG / STRICT: the request and the service's configuration.
  CONFIG_INVALID_SEED: {
    category: 'CONFIG',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'The effective seed is not an integer in 0..2^32-1.',
    combine: 'any',
    measures: [flag('invalid_seed', 'run', 'The seed cannot reproduce the run (1).')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Give an integer seed in 0..4294967295, or omit it to have one generated and recorded.',
  },
  CONFIG_VERSION_MISMATCH: {
    category: 'CONFIG',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'The caller pinned a generator version (request field `generator_version`) that differs from the running one.',
    combine: 'any',
    measures: [flag('generator_version_mismatch', 'run', 'The pinned generator version differs from the running one (1).')],
    severity: perProfile('warning', 'warning', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'The bytes will differ from those of the pinned version: run the pinned generator version, or drop the pin to accept the running one.',
  },
  CONFIG_INCOMPLETE: {
    category: 'CONFIG',
    stage: 'preflight',
    origin: 'predecessor',
    fires_when: 'The run cannot deliver what was asked: llm narratives without a configured LLM, or narrative_required without narratives.',
    combine: 'any',
    measures: [zeroCount('missing_config_items', 'run', 'Missing configuration items (llm provider unconfigured; narratives off under narrative_required).')],
    severity: perProfile('warning', 'hard', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'Configure LLM_BASE_URL and LLM_MODEL for the llm provider, or request the template provider; narrative_required needs narratives on.',
  },
  STRICT_MODE_BLOCKED: {
    category: 'STRICT',
    stage: 'decision',
    origin: 'added',
    reason_added:
      'The predecessor marked strict rejections with CONFIG_INCOMPLETE, which means something else; strict mode needs its own code saying the dataset was not generated (preflight) or is withheld.',
    fires_when: 'Strict mode is on and a hard gate fired: the run stopped before sampling (preflight) or its dataset is withheld.',
    combine: 'any',
    measures: [zeroCount('hard_gates', 'run', 'Hard gates that fired in a strict run.')],
    severity: each('hard'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'Strict mode withheld the dataset: fix the hard gates listed, or run with strict: false to receive a dataset flagged REJECT.',
  },

  // MARGINAL / JOINT: the output against its targets (after sampling).
  MARGINAL_ERROR_HIGH: {
    category: 'MARGINAL',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when:
      'A field\'s total variation distance from its target exceeds the threshold its sampling error at this n allows (plus the rounding of the published figures and any reviewed conflict allowance), and a chi-square test of the field rejects chance at the same family-wise level (one record per field).',
    combine: 'all',
    measures: [
      {
        measure: 'field_tvd',
        threshold_name: 'max_field_tvd',
        comparator: '>',
        threshold: each(null),
        threshold_source: DRIFT_THRESHOLD_SOURCE,
        unit: 'share',
        scope: 'field',
        sampling_adjusted: true,
        description: 'Total variation distance between the field\'s output and target shares, in the field\'s universe.',
      },
      FIELD_P_VALUE_MEASURE,
    ],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'The output departs from its census targets beyond sampling error: check the report\'s marginals (target, actual, expected sampling TVD and threshold), and run with use_ipf: true.',
  },
  MARGINAL_ERROR_CRITICAL: {
    category: 'MARGINAL',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when:
      'A field drifts from its target by more than twice its sampling threshold and a chi-square test rejects chance at the family-wise level: far beyond what sampling explains.',
    combine: 'all',
    measures: [
      {
        measure: 'field_tvd',
        threshold_name: 'critical_field_tvd',
        comparator: '>',
        threshold: each(null),
        threshold_source: `${DRIFT_THRESHOLDS.critical_factor} × (${DRIFT_THRESHOLD_SOURCE})`,
        unit: 'share',
        scope: 'field',
        sampling_adjusted: true,
        description: 'Total variation distance between the field\'s output and target shares, in the field\'s universe.',
      },
      FIELD_P_VALUE_MEASURE,
    ],
    severity: each('hard'),
    priority: 4,
    always_escalate: false,
    recommendation:
      'A field drifted from its target far beyond sampling error: this is a generator or target defect (or an uncalibrated run); inspect the field in the report and report it with the run manifest.',
  },
  JOINT_DISTRIBUTION_DRIFT: {
    category: 'JOINT',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'SPEC §6 adds joint checks against published cross-tabs; the predecessor had no code for them.',
    fires_when:
      'A row of a published cross-tab (e.g. ethnicity within residence) differs from the output by more than the row\'s sampling threshold at its own n (plus rounding and any reviewed conflict allowance) in total variation distance, and a chi-square test of that row rejects chance at the family-wise level (one record per check, for its worst row).',
    combine: 'all',
    measures: [
      {
        measure: 'joint_row_tvd',
        threshold_name: 'max_joint_tvd',
        comparator: '>',
        threshold: each(null),
        threshold_source: DRIFT_THRESHOLD_SOURCE,
        unit: 'share',
        scope: 'joint_check',
        sampling_adjusted: true,
        description: 'Total variation distance of the check\'s worst row (the one furthest over its own threshold).',
      },
      {
        measure: 'joint_row_p_value',
        threshold_name: 'max_joint_chi_square_p_value',
        comparator: '<',
        threshold: each(null),
        threshold_source: P_VALUE_SOURCE,
        unit: 'p_value',
        scope: 'joint_check',
        sampling_adjusted: true,
        description: 'p-value of Pearson\'s chi-square goodness-of-fit test of the same row (categories with expected count < 5 pooled).',
      },
    ],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'The output\'s joint structure departs from the published cross-tab beyond sampling error: read the joint check in the report; marginals can match while the joint does not.',
  },

  // CONSISTENCY / DUPLICATE / RECORD: integrity of the records (after sampling).
  CONSISTENCY_VIOLATION: {
    category: 'CONSISTENCY',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'SPEC §4 makes any violation of the hard consistency rules a hard gate.',
    fires_when: 'Records break a hard consistency rule of SPEC §4 (one record per rule).',
    combine: 'any',
    measures: [zeroCount('violations', 'rule', 'Records breaking the rule.')],
    severity: each('hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'The generator produced impossible records: do not use the dataset; report the run id and the rule to the maintainers.',
  },
  DUPLICATE_RECORDS: {
    category: 'DUPLICATE',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'SPEC §6: duplicate ids must be 0 (the predecessor shipped ~15% duplicates).',
    fires_when: 'Two or more records share an id.',
    combine: 'any',
    measures: [zeroCount('duplicate_ids', 'run', 'Ids that occur more than once.')],
    severity: each('hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'The dataset contains duplicate records: do not use it; report the run id to the maintainers.',
  },
  RECORD_COUNT_MISMATCH: {
    category: 'RECORD',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'A dataset with fewer or more records than requested would otherwise be silently wrong (SPEC §1).',
    fires_when: 'The number of records generated differs from n.',
    combine: 'any',
    measures: [zeroCount('record_count_difference', 'run', '|n requested − records generated|.')],
    severity: each('hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'The dataset is incomplete: check the system codes and the run log, then run again.',
  },

  // PLAUSIBILITY: rare combinations, counted per rule (after sampling).
  PLAUSIBILITY_RULE_EXCEEDED: {
    category: 'PLAUSIBILITY',
    stage: 'evaluation',
    origin: 'added',
    reason_added:
      'Issue #13 item 5: beside the hard consistency rules, a declared list of plausibility rules (degree before 21, marriage under 16 and under 18, pensioners far below the pension age, students over 35) is counted in the report and warns above a documented rate; the predecessor had 22% of 20-year-olds with degrees and 2.8-4.3% of girls aged 15-17 married, and no code said so.',
    fires_when:
      'A plausibility rule flags a larger share of its population than its limit, beyond sampling error: the rate is above the limit and the exact binomial test of "rate ≤ limit" rejects at α / R (one record per rule; subject = the rule id).',
    combine: 'all',
    measures: [
      {
        measure: 'plausibility_rate',
        threshold_name: 'max_plausibility_rate',
        comparator: '>',
        threshold: each(null),
        threshold_source: 'the rule\'s limit (PLAUSIBILITY_RULES, src/generation/plausibility.ts; docs/trust.md §5.2)',
        unit: 'share',
        scope: 'rule',
        sampling_adjusted: false,
        description: 'Persons the rule flags among its population, as a share of that population.',
      },
      {
        measure: 'plausibility_p_value',
        threshold_name: 'max_plausibility_p_value',
        comparator: '<',
        threshold: each(null),
        threshold_source: `α / R (α = ${PLAUSIBILITY_TEST.alpha}, R = rules with a population)`,
        unit: 'p_value',
        scope: 'rule',
        sampling_adjusted: true,
        description: 'P(X ≥ count) for X ~ Binomial(population, limit): how likely the count is if the rule\'s true rate were at its limit.',
      },
    ],
    // A warning everywhere, analysis_only included: implausible records distort the cross-tabs
    // an analysis reads, but each is possible, so none blocks (docs/decisions/0007).
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'The dataset has more implausible records than the rule allows (see the report\'s plausibility section): treat the fields the rule reads with caution, and report the run id and the rule to the maintainers; the generator is built to stay well under every limit.',
  },

  // ESS / WEIGHT / IPF: calibration diagnostics (after calibration).
  ESS_TOO_LOW: {
    category: 'ESS',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Calibration pulled the prior so far that the Kish effective sample size ratio fell below the limit.',
    combine: 'any',
    measures: [
      {
        measure: 'ess_ratio',
        threshold_name: 'min_ess_ratio',
        comparator: '<',
        threshold: perProfile(0.5, 0.7, 0.85),
        unit: 'share',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Kish ESS of the calibration weights over the prior mass, as a share of that mass.',
      },
    ],
    severity: each('hard'),
    priority: 3,
    always_escalate: false,
    recommendation:
      'The census targets contradict the model prior strongly: check the targets (and their provenance) in the report, or report the prior as a defect.',
  },
  WEIGHT_CONCENTRATION_HIGH: {
    category: 'WEIGHT',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Calibration weights concentrate: the largest weight is many times the mean, or the top 5% of the prior mass holds too much of the weight.',
    combine: 'any',
    measures: [
      {
        measure: 'max_mean_weight_ratio',
        threshold_name: 'max_weight_ratio',
        comparator: '>',
        threshold: perProfile(50, 20, 10),
        unit: 'ratio',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Largest calibration weight divided by the mean weight.',
      },
      {
        measure: 'top5_weight_share',
        threshold_name: 'max_top5_weight_share',
        comparator: '>',
        threshold: perProfile(0.5, 0.4, 0.3),
        unit: 'share',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Share of the total weight held by the 5% of prior mass with the largest weights (0.05 when weights are equal).',
      },
    ],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'A few prior cells carry much of the calibrated mass: inspect the calibration diagnostics; the prior likely misses a structure the census has.',
  },
  IPF_DIVERGENCE: {
    category: 'IPF',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Calibration did not converge: the largest margin residual is above the calibration tolerance.',
    combine: 'any',
    measures: [
      {
        measure: 'max_residual',
        threshold_name: 'calibration_tolerance',
        comparator: '>',
        threshold: each(null),
        threshold_source: 'calibration.tolerance (the tolerance the calibration ran with)',
        unit: 'share',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Largest absolute difference between a calibrated margin and its target after the last iteration.',
      },
    ],
    severity: each('hard'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'Calibration did not converge: the targets may be mutually inconsistent or structurally infeasible; check the calibration diagnostics and targets in the report.',
  },
  ETHNOCULTURAL_FALLBACK_USED: {
    category: 'ETHNOCULTURAL',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many persons had their language or religion drawn from national totals because their ethnicity had no row in the conditional table (one record per table).',
    combine: 'any',
    measures: [
      {
        measure: 'ethnocultural_fallback_share',
        threshold_name: 'max_ethnocultural_fallback_share',
        comparator: '>',
        threshold: perProfile(0.05, 0.02, 0.01),
        unit: 'share',
        scope: 'table',
        sampling_adjusted: false,
        description: 'Share of the generated persons drawn from national totals instead of their ethnicity\'s row.',
      },
    ],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation:
      'Rows are missing from an ethnocultural table: check the table in GET /v1/census; the affected persons follow national totals, not their group.',
  },

  // NARRATIVE: narrative quality (after narratives; only when narratives were requested).
  NARRATIVE_MOCK_RATIO_HIGH: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many narratives were not delivered by the requested provider (template fallback, failed or missing).',
    combine: 'any',
    measures: [narrativeRatio('mock_ratio', perProfile(1.0, 0.2, 0.05), 'Share of narratives not delivered by the requested provider.')],
    severity: perProfile('warning', 'hard', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Check the LLM endpoint (rate limits, key, timeouts) in the report\'s narrative reasons, or request the template provider.',
  },
  NARRATIVE_SCHEMA_INVALID: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too few narratives passed the contract (shape and section lengths).',
    combine: 'any',
    measures: [
      {
        measure: 'schema_valid_ratio',
        threshold_name: 'min_schema_valid_ratio',
        comparator: '<',
        threshold: perProfile(0.5, 0.9, 0.95),
        unit: 'share',
        scope: 'run',
        sampling_adjusted: false,
        description: 'Share of requested narratives that passed the contract.',
      },
    ],
    severity: perProfile('warning', 'hard', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'The provider returns narratives outside the contract: check the model and prompt version, or use the template provider.',
  },
  NARRATIVE_PARSE_FAILURE: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many provider responses could not be parsed as the narrative JSON.',
    combine: 'any',
    measures: [narrativeRatio('parse_failure_ratio', each(0.1), 'Share of requested narratives whose response was not valid narrative JSON.')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'The model does not keep to JSON output: use a model with JSON mode, or the template provider.',
  },
  NARRATIVE_TOO_SHORT: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many narratives had a section shorter than the contract allows.',
    combine: 'any',
    measures: [narrativeRatio('too_short_ratio', NARRATIVE_CHECK_LIMIT, 'Share of requested narratives with a section below its minimum length.')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Raise the model\'s output token limit or use a more capable model.',
  },
  NARRATIVE_TOO_LONG: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many narratives had a section longer than the contract allows.',
    combine: 'any',
    measures: [narrativeRatio('too_long_ratio', NARRATIVE_CHECK_LIMIT, 'Share of requested narratives with a section above its maximum length.')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Lower the model\'s output token limit or state the section lengths in the prompt.',
  },
  NARRATIVE_LANGUAGE_INVALID: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Too many narratives did not read as Romanian.',
    combine: 'any',
    measures: [narrativeRatio('language_invalid_ratio', NARRATIVE_CHECK_LIMIT, 'Share of requested narratives failing the Romanian language check.')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Check that the model writes Romanian with diacritics; lower its temperature.',
  },
  NARRATIVE_PRONOUN_MISMATCH: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'Narratives used pronouns or agreement of the other sex.',
    combine: 'any',
    measures: [narrativeRatio('pronoun_mismatch_ratio', perProfile(0.05, 0.01, 0), 'Share of requested narratives whose grammatical gender disagrees with the persona\'s sex.')],
    severity: perProfile('warning', 'hard', 'hard'),
    priority: 5,
    always_escalate: false,
    recommendation: 'Regenerate the narratives; use structured output or the template provider, and check the prompt passes the persona\'s sex.',
  },
  NARRATIVE_PII_DETECTED: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when: 'A narrative contained personal data (IDNP, IDNO, phone, e-mail, IBAN, card, postcode, address, URL); it was withheld, never served.',
    combine: 'any',
    measures: [zeroCount('pii_count', 'run', 'Narratives withheld because they contained personal data.')],
    severity: each('warning'),
    priority: 1,
    always_escalate: true,
    recommendation:
      'Route to human review: the model produced personal data (withheld, not served). Do not export narratives from this provider until reviewed; lower the temperature.',
  },
  NARRATIVE_NAME_MISSING: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'SPEC §7 validates that the person\'s given name appears; the predecessor never ran this check and had no code.',
    fires_when: 'Too many narratives did not mention the persona\'s given name.',
    combine: 'any',
    measures: [narrativeRatio('name_missing_ratio', NARRATIVE_CHECK_LIMIT, 'Share of requested narratives not naming the persona.')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Check that the prompt passes the given name; regenerate or use the template provider.',
  },
  NARRATIVE_CONTRADICTION: {
    category: 'NARRATIVE',
    stage: 'evaluation',
    origin: 'added',
    reason_added: 'SPEC §7 validates that narratives do not contradict age, region or occupation; the predecessor had no code for it.',
    fires_when: 'Narratives contradicted the persona\'s age, region or occupation.',
    combine: 'any',
    measures: [narrativeRatio('contradiction_ratio', perProfile(0.05, 0.02, 0), 'Share of requested narratives contradicting the persona\'s attributes.')],
    severity: perProfile('warning', 'warning', 'hard'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Regenerate the narratives with a lower temperature, or use the template provider, which cannot contradict the record.',
  },

  // SYSTEM: the run's execution.
  SYSTEM_MEMORY_EXCEEDED: {
    category: 'SYSTEM',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when:
      'The run ran out of its memory budget. Not emitted yet: the service sets no per-run memory budget, and a worker that runs out of heap fails its run (RUN_WORKER_FAILED, no payload).',
    combine: 'any',
    measures: [flag('memory_exceeded', 'run', 'The run exceeded its memory budget (1).')],
    severity: each('hard'),
    priority: 7,
    always_escalate: false,
    recommendation: 'Run a smaller n, or give the service more memory (fewer WORKERS per core).',
  },
  SYSTEM_TIMEOUT: {
    category: 'SYSTEM',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when:
      'The run hit its time limit. Not emitted yet: the service sets no run time limit (runs are bounded by MAX_N and can be cancelled with DELETE).',
    combine: 'any',
    measures: [flag('timed_out', 'run', 'The run hit its time limit (1).')],
    severity: each('hard'),
    priority: 8,
    always_escalate: false,
    recommendation: 'Run a smaller n, turn narratives off or use the template provider, or run asynchronously.',
  },
  SYSTEM_CHECKPOINT_CORRUPT: {
    category: 'SYSTEM',
    stage: 'evaluation',
    origin: 'predecessor',
    fires_when:
      'Crash recovery found files half-written by an interrupted attempt of the run and discarded them; the run was regenerated from its request (same bytes).',
    combine: 'any',
    measures: [flag('checkpoint_corrupt', 'run', 'A stored checkpoint was corrupt and discarded (1).')],
    severity: each('warning'),
    priority: 10,
    always_escalate: false,
    recommendation: 'Check the disk under DATA_DIR; the run was regenerated, so the dataset itself is unaffected.',
  },
} as const satisfies Record<string, GateDefinition>;

export type GateCode = keyof typeof GATES;
export const GATE_CODES = Object.keys(GATES) as GateCode[];
export const MARKER_CODES = ['PASS', 'PASS_WITH_WARNINGS'] as const satisfies readonly GateCode[];

/** Base-confidence factors (SPEC §8.3): each one that holds lowers the base confidence. */
export const CONFIDENCE_FACTORS = {
  modelled_targets: {
    description:
      'At least one compared field has a modelled target, or an official_derived one (an adult target derived from a wider official table through the model: the run is partly graded against its own model).',
  },
  modelled_structure: {
    description:
      'The run read a modelled table: structure no official table gives (education, labour, marital status and inactivity by exact age, the oldest ages, the sector split), so the joint structure of the records rests partly on documented assumptions.',
  },
  secondary_targets: {
    description:
      'A critical or super-critical compared field has a secondary (partial or preliminary) target; ordinary fields may use secondary figures (soft use, SPEC §3.2).',
  },
  stale_sources: {
    description:
      'A PxWeb table is older than the profile\'s PXWEB_CACHE_STALE limit, or a periodic snapshot series is superseded (SNAPSHOT_SERIES_STALE), whatever that gate\'s severity.',
  },
  high_information_loss: {
    description: 'Calibration information loss (1 − ESS ratio) is above the limit.',
    threshold: 0.2,
  },
  pxweb_fetch_failed: { description: 'A PxWeb fetch failed in this run.' },
  calibration_skipped: { description: 'The run skipped calibration (use_ipf: false); the prior was sampled as is.' },
  narrative_fallback: { description: 'Some narratives came from the template fallback although the llm provider was requested.' },
  failed_narratives: { description: 'Some requested narratives failed, were withheld or are missing.' },
} as const;
export type ConfidenceFactor = keyof typeof CONFIDENCE_FACTORS;
export const CONFIDENCE_FACTOR_NAMES = Object.keys(CONFIDENCE_FACTORS) as ConfidenceFactor[];

/** 0 factors → high, 1–2 → medium, 3 or more → low (SPEC §8.3). */
export const BASE_CONFIDENCE_BANDS = { medium_from_factors: 1, low_from_factors: 3 } as const;

/**
 * Quality tiers (A/B/C) of a run that is not rejected (quality-tier.ts): C when a drift gate fired
 * or nothing could be measured; else A when every compared row's TVD is within this share of its
 * sampling threshold, B otherwise.
 */
export const QUALITY_TIERS = { tier_a_max_share_of_limit: 0.5 } as const;

/** One declared measure of a code; a RangeError names a measure the code does not have. */
export function measureOf(code: GateCode, measure: string): GateMeasure {
  const definition: GateDefinition = GATES[code];
  const found = definition.measures.find((entry) => entry.measure === measure);
  if (found === undefined) throw new RangeError(`gate ${code} has no measure ${measure}`);
  return found;
}

/** The threshold of one measure of a code for a profile (null when it comes from the run itself). */
export function thresholdOf(code: GateCode, measure: string, profile: Profile): number | null {
  return measureOf(code, measure).threshold[profile];
}
