/**
 * Runs with `llm` narratives through the real service: a server process whose LLM_BASE_URL is
 * the fake OpenAI-compatible server on loopback. Checks what the caller gets (narratives in the
 * dataset, their stats in the payload and report), the gates a run fires when the model leaks
 * personal data or writes the other sex, and what on-call sees in /metrics, when the model answers
 * and when it refuses every call. Runs use scope "all" so narrative_required can reach PASS (its
 * adult targets are modelled) and every narrative gate shows in the decision.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/runs-api.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { startFakeLlm, type FakeLlm } from '../servers/fake-llm.js';
import { metric, metricsOf } from '../helpers/metrics-text.js';

let dataDir: string;
let llm: FakeLlm;
let server: ServerProcess;
let api: ApiClient;
/** Switched by the tests: how the fake model answers every call. */
type Mode = 'narrative' | 'refuse' | 'pii' | 'other-sex';
let mode: Mode = 'narrative';
const LEAK = ' Pentru detalii, sunați la +373 69 123 456 sau scrieți la ion.popescu@example.md.';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mp-runs-llm-'));
  llm = await startFakeLlm((call) => {
    switch (mode) {
      case 'refuse':
        return { kind: 'status', status: 401, body: '{"error":{"message":"bad key"}}' };
      case 'pii':
        return { kind: 'narrative', edit: (sections) => ({ ...sections, profil_profesional: `${sections['profil_profesional']}${LEAK}` }) };
      case 'other-sex':
        return { kind: 'narrative', writeAs: call.persona?.sex === 'male' ? 'female' : 'male' };
      case 'narrative':
        return { kind: 'narrative' };
    }
  });
  server = await startServerProcess({
    DATA_DIR: dataDir,
    WORKERS: '1',
    LOG_LEVEL: 'info',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'test-key-not-logged',
    LLM_MODEL: 'fake-model',
    LLM_CONCURRENCY: '3',
  });
  api = new ApiClient(server.baseUrl);
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await llm?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface NarrativeView {
  source: string;
  status: string;
  reasons?: string[];
}
interface SyncAnswer {
  run_id: string;
  trust_payload: { decision: string; gate_codes: string[]; should_escalate: boolean; escalation_priority: number };
  dataset: { given_name: string; narrative?: NarrativeView }[];
}


async function llmRun(n: number, seed: number): Promise<SyncAnswer> {
  const answer = await api.post('/v1/runs', { n, profile: 'narrative_required', scope: 'all', seed, narratives: { provider: 'llm' } });
  // ApiClient checks every answer against the pinned contract.
  expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(201);
  return answer.body as SyncAnswer;
}

describe('llm narratives through the service', () => {
  it('writes a model narrative for every persona, and counts them in /metrics', async () => {
    const before = metricsOf((await api.get('/metrics')).body as string);
    const run = await llmRun(6, 501);
    expect(run.dataset).toHaveLength(6);
    // The only warning: the shipped LFS 2024 and 1 January 2024 series are superseded (docs/data.md, Staleness).
    expect(run.trust_payload).toMatchObject({ decision: 'PASS_WITH_WARNINGS', gate_codes: ['SNAPSHOT_SERIES_STALE', 'PASS_WITH_WARNINGS'], should_escalate: false });
    for (const persona of run.dataset) expect(persona.narrative).toMatchObject({ source: 'llm', status: 'generated' });
    // One call per persona, each carrying the persona the record holds.
    const names = new Set(llm.calls.map((call) => call.persona?.givenName));
    for (const persona of run.dataset) expect(names.has(persona.given_name)).toBe(true);
    const report = (await api.get(`/v1/runs/${run.run_id}/report`)).body as { narratives: { provider: string; total: number; generated: number } };
    expect(report.narratives).toMatchObject({ provider: 'llm', total: 6, generated: 6 });
    const after = metricsOf((await api.get('/metrics')).body as string);
    expect(metric(after, 'narratives_total{provider="llm",outcome="generated"}') - metric(before, 'narratives_total{provider="llm",outcome="generated"}')).toBe(6);
  });

  it('fails every narrative when the model refuses calls, says why, and /metrics shows it', async () => {
    mode = 'refuse';
    try {
      const before = metricsOf((await api.get('/metrics')).body as string);
      const run = await llmRun(4, 502);
      const statuses = run.dataset.map((persona) => persona.narrative?.status ?? 'missing');
      expect(statuses.every((status) => status !== 'generated')).toBe(true);
      const report = (await api.get(`/v1/runs/${run.run_id}/report`)).body as {
        narratives: { total: number; generated: number; template: number; failed: number; withheld: number; missing: number; reasons: Record<string, number> };
        decision: { gate_codes: string[] };
      };
      const stats = report.narratives;
      // Every requested narrative has exactly one outcome.
      expect(stats.generated + stats.template + stats.failed + stats.withheld + stats.missing).toBe(stats.total);
      expect(stats.total).toBe(4);
      expect(Object.keys(stats.reasons).length).toBeGreaterThan(0);
      // narrative_required cannot pass with no model narrative: the fallback ratio is a hard gate.
      expect(run.trust_payload.decision).toBe('REJECT');
      expect(report.decision.gate_codes).toContain('NARRATIVE_MOCK_RATIO_HIGH');

      const after = metricsOf((await api.get('/metrics')).body as string);
      const outcomes = ['generated', 'template', 'failed', 'withheld', 'missing'] as const;
      for (const outcome of outcomes) {
        const key = `narratives_total{provider="llm",outcome="${outcome}"}`;
        expect({ outcome, added: metric(after, key) - metric(before, key) }).toEqual({ outcome, added: stats[outcome] });
      }
      for (const [reason, count] of Object.entries(stats.reasons)) {
        const key = `narrative_issues_total{reason="${reason}"}`;
        expect({ reason, added: metric(after, key) - metric(before, key) }).toEqual({ reason, added: count });
      }
    } finally {
      mode = 'narrative';
    }
    // The 401 belonged to that run: the next run calls the model again and gets its narratives.
    const next = await llmRun(3, 503);
    expect(next.dataset.map((persona) => persona.narrative?.status)).toEqual(['generated', 'generated', 'generated']);
    // The key never reaches the logs.
    expect(server.stderr()).not.toContain('test-key-not-logged');
    expect(server.logLines().some((line) => JSON.stringify(line).includes('test-key-not-logged'))).toBe(false);
  });

  it('withholds narratives that leak a phone number and an e-mail, and escalates the run at priority 1', async () => {
    mode = 'pii';
    try {
      const run = await llmRun(4, 504);
      for (const persona of run.dataset) {
        expect(persona.narrative).toMatchObject({ status: 'withheld' });
        // Withheld means never served: no section of the leaked text reaches the dataset.
        expect(JSON.stringify(persona)).not.toContain('69 123 456');
        expect(JSON.stringify(persona)).not.toContain('ion.popescu@example.md');
      }
      expect(run.trust_payload.gate_codes).toContain('NARRATIVE_PII_DETECTED');
      expect(run.trust_payload).toMatchObject({ should_escalate: true, escalation_priority: 1 });
      const stored = (await api.get(`/v1/runs/${run.run_id}/dataset`)).body as string;
      expect(stored).not.toContain('69 123 456');
    } finally {
      mode = 'narrative';
    }
  });

  it('fires NARRATIVE_PRONOUN_MISMATCH when the model writes every persona as the other sex', async () => {
    mode = 'other-sex';
    try {
      const run = await llmRun(4, 505);
      expect(run.dataset.every((persona) => persona.narrative?.status !== 'generated')).toBe(true);
      expect(run.trust_payload.gate_codes).toContain('NARRATIVE_PRONOUN_MISMATCH');
      // Hard in narrative_required (SPEC §8.1): the run is rejected and escalated at priority 5 or more urgent.
      expect(run.trust_payload.decision).toBe('REJECT');
      expect(run.trust_payload.should_escalate).toBe(true);
      expect(run.trust_payload.escalation_priority).toBeLessThanOrEqual(5);
    } finally {
      mode = 'narrative';
    }
  });
});
