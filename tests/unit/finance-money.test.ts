import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centsToDecimal, formatMoney, MAX_AMOUNT_CENTS, minorUnits, parseDecimalToCents } from '@/domains/finance/money';
import { invoiceInput } from '@/domains/finance/validators';

describe('money in integer cents', () => {
  it('parses decimal text to cents exactly and prints it back, for every amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_CENTS }), fc.constantFrom('USD', 'EUR', 'JPY', 'BHD'), (cents, currency) => {
        const text = centsToDecimal(cents, currency);
        expect(parseDecimalToCents(text, currency)).toBe(cents);
      }),
    );
  });

  it('knows the minor units of a currency', () => {
    expect([minorUnits('USD'), minorUnits('JPY'), minorUnits('BHD')]).toEqual([2, 0, 3]);
    expect(parseDecimalToCents('19.99')).toBe(1999);
    expect(parseDecimalToCents('0.1')).toBe(10);
    expect(parseDecimalToCents('100', 'JPY')).toBe(100);
  });

  it('refuses anything that is not a plain non-negative decimal within the currency precision', () => {
    for (const bad of ['', '.5', '1.', '-1', '+1', '1e2', '1,000.00', '12.345', ' 1 2', 'NaN', 'Infinity', '0x10', '１２']) {
      expect(parseDecimalToCents(bad), bad).toBeNull();
    }
    expect(parseDecimalToCents(centsToDecimal(MAX_AMOUNT_CENTS) + '1')).toBeNull();
  });

  it('formats without passing through a float', () => {
    expect(formatMoney(123_456, 'EUR')).toBe('€1,234.56');
    expect(formatMoney(9_007_199_254_740_991, 'USD')).toBe('$90,071,992,547,409.91');
  });

  it('validates invoice input from untrusted JSON: only whole cents survive', () => {
    fc.assert(
      fc.property(fc.anything(), (amountCents) => {
        const parsed = invoiceInput.safeParse({ clientId: 1, amountCents });
        if (parsed.success) {
          expect(Number.isSafeInteger(parsed.data.amountCents)).toBe(true);
          expect(parsed.data.amountCents).toBeGreaterThanOrEqual(0);
        }
      }),
    );
    expect(invoiceInput.safeParse({ clientId: 1, amountCents: 0.1 + 0.2 }).success).toBe(false);
  });
});
