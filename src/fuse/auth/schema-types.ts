/** Ranks, lowest to highest. Kept apart from the table definitions so the proxy can import it cheaply. */
export const RANKS = ['crew', 'captain', 'commodore', 'admiral'] as const;
export type Rank = (typeof RANKS)[number];

export function rankAtLeast(rank: Rank, required: Rank): boolean {
  return RANKS.indexOf(rank) >= RANKS.indexOf(required);
}
