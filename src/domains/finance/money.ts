/**
 * Money as integer minor units ("cents"), never floats. Parsing and formatting work on the decimal
 * string digit by digit, so "12.34" is exactly 1234 and 1234 prints as "12.34" whatever the size.
 */

/** The largest amount one invoice may carry: far below 2^53, so sums of many stay exact. */
export const MAX_AMOUNT_CENTS = 100_000_000_000_00; // 100 billion in major units

// Building an Intl.NumberFormat costs far more than using one: one per currency, made once.
const formatters = new Map<string, (Intl.NumberFormat & { format(value: string): string }) | null>();

function formatterFor(currency: string) {
  let f = formatters.get(currency);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency }) as Intl.NumberFormat & { format(value: string): string };
    } catch {
      f = null;
    }
    formatters.set(currency, f);
  }
  return f;
}

/** ISO 4217 minor units: 2 for most, 0 for JPY and KRW, 3 for BHD, KWD... (from the runtime's ICU data). */
export function minorUnits(currency: string): number {
  return formatterFor(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
}

let knownCurrencies: Set<string> | null = null;

/** A currency code ICU knows (ISO 4217). */
export function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  if (!knownCurrencies) {
    const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'currency') => string[] };
    knownCurrencies = new Set(intl.supportedValuesOf ? intl.supportedValuesOf('currency') : []);
  }
  return knownCurrencies.size === 0 || knownCurrencies.has(code);
}

/**
 * Parses a decimal amount ("1234", "12.3", "12.34") into minor units exactly. Returns null for
 * anything else: signs, exponents, more decimals than the currency has, separators.
 */
export function parseDecimalToCents(text: string, currency = 'USD'): number | null {
  const digits = minorUnits(currency);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole, fraction = ''] = match;
  if (fraction.length > digits) return null;
  const cents = BigInt(whole!) * 10n ** BigInt(digits) + BigInt((fraction + '0'.repeat(digits)).slice(0, digits) || '0');
  if (cents > BigInt(MAX_AMOUNT_CENTS)) return null;
  return Number(cents);
}

/** "1234.56"-style text of an amount in minor units, exact for every safe integer. */
export function centsToDecimal(cents: number, currency = 'USD'): string {
  const digits = minorUnits(currency);
  const negative = cents < 0;
  const text = BigInt(Math.abs(cents))
    .toString()
    .padStart(digits + 1, '0');
  const whole = digits ? text.slice(0, -digits) : text;
  const fraction = digits ? `.${text.slice(-digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A display string ("$1,234.56"), formatted from the exact decimal text, not from a float division. */
export function formatMoney(cents: number, currency = 'USD'): string {
  const decimal = centsToDecimal(cents, currency);
  // Intl accepts a decimal string and formats it without converting it through a double.
  const format = formatterFor(currency);
  return format ? format.format(decimal) : `${decimal} ${currency}`;
}
