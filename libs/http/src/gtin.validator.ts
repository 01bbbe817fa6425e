import { normaliseGtin } from '@trace/identifiers';
import { Matches, registerDecorator, ValidationOptions } from 'class-validator';

/** A GTIN-8/12/13/14 with a correct GS1 check digit (error code CHECK_DIGIT). */
export function IsGtin(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isGtin',
      target: target.constructor,
      propertyName,
      options: {
        message: '$property must be a GTIN-8/12/13/14 with a valid check digit',
        context: { code: 'CHECK_DIGIT' },
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normaliseGtin(value) !== null,
      },
    });
}

/** GS1 AI (10) batch/lot: 1 to 20 characters of GS1 AI encodable character set 82. */
export const GS1_LOT_PATTERN = /^[!"%-?A-Z_a-z]{1,20}$/;

export function IsLot(options?: ValidationOptions) {
  return Matches(GS1_LOT_PATTERN, {
    message: '$property must be a lot number (GS1 AI 10: 1-20 characters)',
    ...options,
  });
}
