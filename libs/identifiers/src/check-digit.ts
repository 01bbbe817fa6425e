/**
 * GS1 mod-10 check digit (GTIN-8/12/13/14, SSCC, GLN): weights 3,1,3,… from the right,
 * excluding the check digit itself.
 */
export function gs1CheckDigit(bodyDigits: string): number {
  let sum = 0;
  for (let i = 0; i < bodyDigits.length; i++) {
    const digit = bodyDigits.charCodeAt(bodyDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `digits` is all digits and its last digit is the GS1 check digit of the rest. */
export function hasValidGs1CheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** A GTIN-8/12/13/14 with a valid check digit, left-padded to 14 digits; null otherwise. */
export function normaliseGtin(input: string): string | null {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(input)) return null;
  if (!hasValidGs1CheckDigit(input)) return null;
  return input.padStart(14, '0');
}
