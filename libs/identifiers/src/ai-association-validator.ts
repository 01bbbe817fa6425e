import { valueLengthBounds } from './ai-value-validator';
import type { ParsedAi } from './gs1-element-string-parser';
import type { ScanFailure } from './scan-failure';

/** `31nn` matches 3100-3199; a plain AI matches only itself. */
function matchesPattern(ai: string, pattern: string): boolean {
  return ai.length === pattern.length && ai.startsWith(pattern.replace(/n+$/, ''));
}

function describeAlternatives(alternatives: readonly (readonly string[])[]): string {
  return alternatives.map((all) => all.map((p) => `(${p})`).join(' with ')).join(' or ');
}

/** Keys whose serial component a digital signature (8030) must cover. */
const SERIALISABLE_KEYS = ['253', '255', '8003'];

/**
 * The GS1 rules on how AIs combine in one item's data, as the dictionary states them:
 * repeated AIs must agree, `ex=` pairs must not meet, every `req=` must be met; plus the
 * General Specifications rule that AI 8030 signs only serialised GDTI, GCN and GRAI.
 */
export class AiAssociationValidator {
  validate(ais: readonly ParsedAi[]): ScanFailure | null {
    return (
      this.checkRepeats(ais) ??
      this.checkExclusions(ais) ??
      this.checkRequirements(ais) ??
      this.checkSignedKeys(ais)
    );
  }

  private checkRepeats(ais: readonly ParsedAi[]): ScanFailure | null {
    for (let i = 0; i < ais.length; i++) {
      const clash = ais.slice(i + 1).find((b) => b.ai === ais[i].ai && b.value !== ais[i].value);
      if (clash) return { reason: 'CONFLICTING_REPEATED_AI', ai: clash.ai, value: clash.value };
    }
    return null;
  }

  private checkExclusions(ais: readonly ParsedAi[]): ScanFailure | null {
    for (const a of ais) {
      for (const pattern of a.definition.excludes) {
        // An AI is never exclusive of itself, even when it matches its own pattern.
        const other = ais.find((b) => b.ai !== a.ai && matchesPattern(b.ai, pattern));
        if (other) return { reason: 'EXCLUSIVE_AIS', ai: a.ai, expected: `(${other.ai})` };
      }
    }
    return null;
  }

  private checkRequirements(ais: readonly ParsedAi[]): ScanFailure | null {
    for (const a of ais) {
      const present = (pattern: string): boolean =>
        ais.some((b) => b.ai !== a.ai && matchesPattern(b.ai, pattern));
      for (const alternatives of a.definition.requires) {
        if (!alternatives.some((all) => all.every(present))) {
          return {
            reason: 'REQUIRED_AI_MISSING',
            ai: a.ai,
            expected: describeAlternatives(alternatives),
          };
        }
      }
    }
    return null;
  }

  private checkSignedKeys(ais: readonly ParsedAi[]): ScanFailure | null {
    if (!ais.some((a) => a.ai === '8030')) return null;
    for (const a of ais) {
      if (
        SERIALISABLE_KEYS.includes(a.ai) &&
        a.value.length <= valueLengthBounds(a.definition).min
      ) {
        return { reason: 'DIGSIG_NEEDS_SERIALISED_KEY', ai: a.ai, value: a.value };
      }
    }
    return null;
  }
}
