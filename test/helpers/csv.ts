/**
 * A small RFC 4180 reader for tests (independent of the writer under test): rows of cells,
 * quoted cells with doubled quotes and embedded CR/LF, CRLF or LF row ends. `null` marks an
 * unquoted empty cell, so tests can tell it from a quoted empty string.
 */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endCell = () => {
    row.push(cell === '' && !wasQuoted ? null : cell);
    cell = '';
    wasQuoted = false;
  };
  while (i < text.length) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') {
        quoted = false;
        i += 1;
        continue;
      }
      cell += char;
      i += 1;
      continue;
    }
    if (char === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      wasQuoted = true;
    } else if (char === ',') {
      endCell();
    } else if (char === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i += 1;
    } else if (char === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else if (char === '\r') {
      throw new Error(`bare CR outside quotes at ${i}`);
    } else {
      if (wasQuoted) throw new Error(`text after a closing quote at ${i}`);
      cell += char;
    }
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || wasQuoted || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** Persona scalar fields and trait names in CSV order, written out here independently of the writer. */
export const SCALAR_FIELDS = [
  'id',
  'index',
  'given_name',
  'family_name',
  'sex',
  'age',
  'age_group',
  'region',
  'district',
  'residence',
  'ethnicity',
  'mother_tongue',
  'language_usually_spoken',
  'religion',
  'marital_status',
  'education_level',
  'employment_status',
  'inactivity_reason',
  'economic_sector',
] as const;
export const TRAITS = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;

/**
 * The cells a persona's CSV row must read back as (via parseCsv), worked out here rather than by
 * the writer: scalars as text (null → null), the five traits, the narrative as its JSON text.
 */
export function expectedCsvCells(record: Readonly<Record<string, unknown>>): (string | null)[] {
  const cell = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : String(value));
  const traits = (record['traits'] ?? {}) as Record<string, unknown>;
  return [
    ...SCALAR_FIELDS.map((field) => cell(record[field])),
    ...TRAITS.map((trait) => cell(traits[trait])),
    record['narrative'] === undefined ? null : JSON.stringify(record['narrative']),
  ];
}
