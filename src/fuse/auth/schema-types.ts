/** Ranks, lowest to highest. Kept apart from the table definitions so the proxy can import it cheaply. */
export const RANKS = ['crew', 'captain', 'commodore', 'admiral'] as const;
export type Rank = (typeof RANKS)[number];

/** A user's theme: "system" follows the device's light or dark setting (CSS prefers-color-scheme). */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];
