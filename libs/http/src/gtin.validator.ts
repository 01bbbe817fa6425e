import { normaliseGtin } from '@trace/identifiers';
import { registerDecorator, ValidationOptions } from 'class-validator';

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
