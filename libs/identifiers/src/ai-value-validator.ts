import type { AiDefinition } from './ai-dictionary';
import { CHARSET_LINTERS, GS1_LINTERS, UNSUPPORTED_LINTERS, type Gs1Linter } from './gs1-linters';
import { refuse, succeed, type ParseOutcome, type ScanFailure } from './scan-failure';

function linterNamed(name: string): Gs1Linter | null {
  const linter = GS1_LINTERS[name];
  if (linter) return linter;
  if (UNSUPPORTED_LINTERS.has(name)) return null;
  // The dictionary names a linter this library does not know: a release added one.
  throw new Error(
    `GS1 linter "${name}" is unknown to this library: update it for the new dictionary`,
  );
}

/**
 * Applies an AI's components, in order, to the start of `data` (up to the next separator)
 * and returns how much of it they consumed. Each component takes as much as it may, its
 * character set is checked, then its linters. This is how unbracketed data is split:
 * for fixed-length AIs the next AI starts where the components end.
 */
export function consumeAiValue(definition: AiDefinition, data: string): ParseOutcome<number> {
  const { ai } = definition;
  if (data.length === 0) return refuse({ reason: 'VALUE_EMPTY', ai });
  let position = 0;
  for (const component of definition.components) {
    const length = Math.min(data.length - position, component.max);
    if (component.optional && length === 0) continue;
    if (length < component.min) return refuse({ reason: 'VALUE_TOO_SHORT', ai, value: data });
    const part = data.slice(position, position + length);
    const linters = [CHARSET_LINTERS[component.charset], ...component.linters.map(linterNamed)];
    for (const linter of linters) {
      if (!linter) return refuse({ reason: 'UNSUPPORTED_AI', ai });
      const finding = linter(part);
      if (finding) {
        return refuse({
          reason: finding.error,
          ai,
          value: data,
          linter: { ...finding, position: finding.position + position },
        });
      }
    }
    position += length;
  }
  return succeed(position);
}

/** Length bounds of an AI's value: the mandatory minimum and the sum of the maxima. */
export function valueLengthBounds(definition: AiDefinition): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const component of definition.components) {
    if (!component.optional) min += component.min;
    max += component.max;
  }
  return { min, max };
}

/** Checks a complete value, as given in brackets or a Digital Link; null when it is valid. */
export function checkAiValue(definition: AiDefinition, value: string): ScanFailure | null {
  const { ai } = definition;
  const { min, max } = valueLengthBounds(definition);
  if (value.length === 0) return { reason: 'VALUE_EMPTY', ai };
  // Length first: a checksum complaint about a value of the wrong length misleads.
  if (value.length < min) return { reason: 'VALUE_TOO_SHORT', ai, value };
  if (value.length > max) return { reason: 'VALUE_TOO_LONG', ai, value };
  // "^" stands for FNC1 in GS1 notations, so data may never hold it.
  if (value.includes('^')) return { reason: 'ILLEGAL_CARET', ai, value };
  const consumed = consumeAiValue(definition, value);
  if (!consumed.ok) return consumed.failure;
  return consumed.result < value.length ? { reason: 'VALUE_TOO_LONG', ai, value } : null;
}
