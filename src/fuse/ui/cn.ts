/** Joins class names, skipping the falsy ones (a variant's classes come first, the caller's last). */
export function cn(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}
