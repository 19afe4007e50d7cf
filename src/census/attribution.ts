/**
 * The attribution of the source data, in one place: every dataset card quotes it, and
 * docs/data.md#attribution holds the same text (test/contract/field-doc.test.ts checks it).
 * What it says about the licence rests on shared/reference/README.md, which records it from the
 * NBS terms of use as a third-party note quotes them.
 */

export const SOURCE_LICENCE = { name: 'CC BY 4.0', spdx: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' } as const;

/** The credit line CC BY 4.0 asks for, as the NBS terms word it. */
export const NBS_CREDIT = 'Source: National Bureau of Statistics of the Republic of Moldova.';

/** What this project did to the figures, from the tables' `transform` sentences and docs/method.md. */
export const NBS_MODIFICATIONS = [
  'the published figures (census 2024 final and preliminary results, the 1 January 2024 population estimate, the Labour Force Survey 2024) were transcribed into this service\'s table format; category labels were recoded to the service\'s codes; tables were reordered, transposed or merged as each table\'s `transform` states; residual categories were computed; one table (education 10+) was renormalised; PxWeb age codes were relabelled as ages',
  'only aggregated tables were used, as calibration targets and checks of a statistical model; no microdata were used',
  'the records are synthetic people drawn from that model: they are not NBS figures and describe no real person',
] as const;

/** The attribution as Markdown (a quote, then the licence and the modifications), for the card and the doc. */
export function attributionMarkdown(): string {
  return [
    `> ${NBS_CREDIT}`,
    '',
    `The source figures are data of the National Bureau of Statistics of the Republic of Moldova (NBS), licensed under [${SOURCE_LICENCE.name}](${SOURCE_LICENCE.url}). The licence is recorded from the NBS terms of use as a third-party note quotes them; this project has not read the terms page itself.`,
    '',
    'Modifications:',
    '',
    ...NBS_MODIFICATIONS.map((line) => `- ${line.charAt(0).toUpperCase()}${line.slice(1)}.`),
    '',
    'A dataset generated here is not an NBS product, and nothing in it implies endorsement by NBS. Six counts of 2024 newborn given names (Agenția Servicii Publice, as reported by Stiri.md and TVR Moldova) weight the synthetic given names; they are not NBS data, and the sources state no licence for them.',
  ].join('\n');
}
