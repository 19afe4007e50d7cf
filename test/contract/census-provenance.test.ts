/**
 * Provenance dates of the shipped tables (issue #13): every official or secondary table says when
 * NBS published it, at the precision the reference set gives and never a guessed day, and every
 * date and every "next vintage seen" claim rests on a passage quoted exactly from the audited
 * reference set (test/reference, the hash-pinned copy of shared/reference). Periodic series carry
 * their release cycle; staleness follows it, not the copy date (`retrieved`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CensusTable, ReferenceQuote } from '../../src/census/census-table.js';
import { embeddedVintage } from '../../src/census/vintage.js';
import { loadShippedSnapshot, referenceDir } from '../helpers/census.js';

let tables: CensusTable[];

beforeAll(async () => {
  const embedded = await loadShippedSnapshot();
  tables = [...embedded.tables.values()].map((entry) => entry.table);
});

const referenceText = (reference: string): string => readFileSync(join(referenceDir(), reference), 'utf8');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Does the quoted passage state this (partial) date, in one of the forms the reference uses? */
function quoteStates(quote: string, date: string): boolean {
  const [year, month, day] = date.split('-');
  if (day !== undefined) {
    const forms = [date, `${year}/${month}/${day}`, `${day}_${month}_${year!.slice(2)}`];
    return forms.some((form) => quote.includes(form));
  }
  if (month !== undefined) {
    const name = MONTHS[Number(month) - 1]!;
    return [`${name} ${year!}`, `${name.slice(0, 3)} ${year!}`, date].some((form) => quote.includes(form));
  }
  return quote.includes(year!);
}

describe('publication dates of the shipped tables', () => {
  it('every official and secondary table has one, models none', () => {
    for (const table of tables) {
      expect({ id: table.id, has: table.published !== undefined }).toEqual({ id: table.id, has: table.provenance !== 'modelled' });
    }
  });

  it('every quoted passage is in the reference file it names', () => {
    const quotes: [string, ReferenceQuote][] = tables.flatMap((table) => [
      ...(table.published?.evidence ?? []).map((quote): [string, ReferenceQuote] => [table.id, quote]),
      ...(table.release_cycle?.next_vintage_evidence ?? []).map((quote): [string, ReferenceQuote] => [table.id, quote]),
    ]);
    expect(quotes.length).toBeGreaterThan(40);
    for (const [id, { reference, quote }] of quotes) expect({ id, reference, found: referenceText(reference).includes(quote) }).toEqual({ id, reference, found: true });
  });

  it('every date is stated by one of its quotes, at its precision', () => {
    for (const table of tables) {
      const published = table.published;
      if (published === undefined || published.date === null) continue;
      const stated = published.evidence.some(({ quote }) => quoteStates(quote, published.date!));
      expect({ id: table.id, date: published.date, stated }).toEqual({ id: table.id, date: published.date, stated: true });
      if (published.not_after !== undefined) {
        expect(published.evidence.some(({ quote }) => quoteStates(quote, published.not_after!)), table.id).toBe(true);
      }
    }
  });

  it('says "unknown" with a reason where nothing dates the figures, and never uses the copy date', () => {
    const unknown = tables.filter((table) => table.published?.precision === 'unknown').map((table) => table.id).sort();
    expect(unknown).toEqual(['age_single', 'district_by_broad_age', 'district_by_residence', 'elderly_60plus_by_sex', 'lfs_unemployed_by_age_sex', 'residence_by_broad_age', 'sex_by_district']);
    for (const table of tables) {
      if (table.published === undefined) continue;
      expect(table.published.basis.length, table.id).toBeGreaterThan(30);
      expect(table.published.date, table.id).not.toBe(table.retrieved);
    }
  });
});

describe('release cycles of the periodic series', () => {
  it('every periodic table declares one, and only periodic tables', () => {
    for (const table of tables) expect({ id: table.id, cycle: table.release_cycle !== undefined }).toEqual({ id: table.id, cycle: table.periodic });
  });

  it('in December 2026 the LFS 2024 and 1 January 2024 series are superseded, the youth communiqué overdue, census tables never', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const status = Object.fromEntries(tables.map((table) => [table.id, embeddedVintage(table, now).status]));
    for (const id of ['labour_status_15plus', 'economic_sector', 'inactivity_reason', 'lfs_employment_rates', 'employed_by_region', 'lfs_unemployed_by_age_sex', 'age_single', 'elderly_60plus_by_sex']) {
      expect({ id, status: status[id] }).toEqual({ id, status: 'superseded' });
    }
    expect(status['lfs_youth_15_34_status']).toBe('expected_superseded');
    for (const table of tables.filter((t) => !t.periodic)) expect({ id: table.id, status: status[table.id] }).toEqual({ id: table.id, status: 'not_periodic' });
  });

  it('the copy date changes nothing: any retrieved date gives the same vintage', () => {
    const now = new Date('2026-07-01T00:00:00Z');
    for (const table of tables) {
      const vintages = ['1990-01-01', table.retrieved, '2099-12-31'].map((retrieved) => embeddedVintage({ ...table, retrieved }, now));
      expect(vintages[0], table.id).toEqual(vintages[1]);
      expect(vintages[2], table.id).toEqual(vintages[1]);
    }
  });
});
