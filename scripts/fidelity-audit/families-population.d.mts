// Types of families-population.mjs for the TypeScript tests (only what they use).
export const BROAD_GROUPS: readonly ['0-15', 'working_age', 'over_working_age'];
export function broadGroupOf(record: { readonly age: number; readonly sex: string }, womenFrom?: number): (typeof BROAD_GROUPS)[number];
