/** Ranks, lowest to highest. Kept apart from the table definitions so the proxy can import it cheaply. */
export const RANKS = ['crew', 'captain', 'commodore', 'admiral'] as const;
export type Rank = (typeof RANKS)[number];
