/**
 * Staleness of a table by its series, not by when it was copied (issue #13): a one-off census
 * result or a model is never superseded; a periodic series is superseded once the reference set
 * shows its next vintage, and expected to be superseded once the date its release cycle puts the
 * next vintage at has passed. Pure: the clock is an argument.
 */
import type { CensusTable, TableVintage } from './census-table.js';

const DAY_MS = 86_400_000;

/** Has the whole UTC day `date` (YYYY-MM-DD) passed at `now`? */
function dayHasPassed(date: string, now: Date): boolean {
  return now.getTime() >= Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}

/** The vintage of a table from the embedded snapshot at `now`. */
export function embeddedVintage(table: CensusTable, now: Date): TableVintage {
  if (!table.periodic) {
    return { status: 'not_periodic', next_vintage: null, next_release_expected_by: null, statement: 'Not a periodic series: never superseded.' };
  }
  const cycle = table.release_cycle;
  if (cycle === undefined) {
    // The loader requires a cycle for shipped periodic tables; a table without one cannot be judged.
    return { status: 'current', next_vintage: null, next_release_expected_by: null, statement: 'Periodic series without a declared release cycle: its successor is unknown.' };
  }
  const base = { next_vintage: cycle.next_vintage, next_release_expected_by: cycle.next_release_expected_by };
  if (cycle.next_vintage_seen) {
    return { ...base, status: 'superseded', statement: `Superseded by ${cycle.next_vintage}, which the reference set shows published.` };
  }
  const due = cycle.next_release_expected_by;
  if (due !== null && dayHasPassed(due, now)) {
    return { ...base, status: 'expected_superseded', statement: `Expected superseded by ${due} (${cycle.next_vintage}), not verified.` };
  }
  const when = due === null ? 'no release date is known' : `expected by ${due}`;
  return { ...base, status: 'current', statement: `Current: ${cycle.next_vintage} is not seen published (${when}).` };
}

/** A table fetched from PxWeb is the newest vintage the publisher served at the fetch; it ages by its fetch. */
export function fetchedVintage(fetchedAt: string): TableVintage {
  return {
    status: 'current',
    next_vintage: null,
    next_release_expected_by: null,
    statement: `The newest vintage PxWeb served at the fetch of ${fetchedAt}; it ages by its fetch (PXWEB_CACHE_STALE).`,
  };
}

/** Is the table superseded, or past its next vintage's expected release? */
export function isSupersededVintage(vintage: TableVintage): boolean {
  return vintage.status === 'superseded' || vintage.status === 'expected_superseded';
}
