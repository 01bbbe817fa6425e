import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

/**
 * Where a list holds a list directly (`[[…]]`), its path. class-validator's
 * `@ValidateNested({ each: true })` takes an inner list where an object belongs and checks the
 * inner list's items instead, so `{"associations": [[]]}` passed as a list of associations and
 * the service then read fields of an array (500s found by the fault suite). No DTO here nests
 * a list in a list, so such a body is refused before validation.
 */
export function listInList(value: unknown, path = ''): string | null {
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0) {
    const [v, at] = pending.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const entries = Array.isArray(v)
      ? v.map((item, i) => [String(i), item] as const)
      : Object.entries(v);
    for (const [key, item] of entries) {
      const here = at ? `${at}.${key}` : key;
      if (Array.isArray(v) && Array.isArray(item)) return here;
      pending.push([item, here]);
    }
  }
  return null;
}

class TraceValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      const at = listInList(value);
      if (at !== null) {
        throw new ProblemException('VALIDATION_FAILED', `${at}: a list may not hold a list here`, {
          errors: [{ field: at, code: 'isNotNestedList', message: 'a list may not hold a list' }],
        });
      }
    }
    return super.transform(value, metadata);
  }
}

/** Whitelist, refuse unknown fields, transform to DTO classes; errors as problem+json. */
export function createValidationPipe(): ValidationPipe {
  return new TraceValidationPipe({
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
