import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches, ValidationOptions } from 'class-validator';

/**
 * A calendar date ('YYYY-MM-DD', the start of that UTC day) or a date and time with its
 * offset: a time without an offset would mean whatever the server's zone is.
 */
export const ISO_INSTANT_PATTERN =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A query bound in time: an ISO 8601 date, or date and time with an offset (a real one). */
export function IsIsoInstant(options?: ValidationOptions) {
  return applyDecorators(
    Matches(ISO_INSTANT_PATTERN, {
      message: '$property must be a date YYYY-MM-DD or a date-time with an offset',
      ...options,
    }),
    IsISO8601({ strict: true, strictSeparator: true }, options),
  );
}
