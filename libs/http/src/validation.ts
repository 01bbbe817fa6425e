import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException, ProblemFieldError } from './problem';

function flatten(errors: ValidationError[], prefix = ''): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) {
      const contextCode = (e.contexts?.[constraint] as { code?: string } | undefined)?.code;
      out.push({ field, code: contextCode ?? constraint, message });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Whitelist, refuse unknown fields, transform to DTO classes; errors as problem+json. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      const first = fieldErrors[0];
      return new ProblemException(
        'VALIDATION_FAILED',
        first ? `${first.field}: ${first.message}` : 'The request is not valid',
        { errors: fieldErrors },
      );
    },
  });
}
