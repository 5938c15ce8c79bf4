/** Ranks, lowest to highest. Kept apart from the table definitions so the proxy can import it cheaply. */
export const RANKS = ['crew', 'captain', 'commodore', 'admiral'] as const;
export type Rank = (typeof RANKS)[number];

export function rankAtLeast(rank: Rank, required: Rank): boolean {
  return RANKS.indexOf(rank) >= RANKS.indexOf(required);
}

/**
 * Whether a rank may change a business's data that needs `required`. The admiral's view of a
 * business is read-only support: they read everything and change nothing.
 */
export function rankMayChange(rank: Rank, required: Rank): boolean {
  return rank !== 'admiral' && rankAtLeast(rank, required);
}
