import type { BarcodeSubcode } from '@trace/domain';
import { GS1_AI_DICTIONARY, type AiDefinition, type AiDictionary } from './ai-dictionary';
import { AiAssociationValidator } from './ai-association-validator';
import { checkAiValue } from './ai-value-validator';
import { isChinaDrugTraceCode } from './china-drug-code';
import {
  DigitalLinkParser,
  hasDigitalLinkScheme,
  type DigitalLinkParseOptions,
} from './digital-link-parser';
import {
  GS,
  Gs1ElementStringParser,
  type AiValue,
  type ParsedAi,
} from './gs1-element-string-parser';
import { resolveGs1Date } from './gs1-date';
import { MissingGsDetector, type SwallowedAis } from './missing-gs-detector';
import {
  describeScanFailure,
  subcodeOf,
  type ParseOutcome,
  type ScanFailure,
  type ScanFailureReason,
} from './scan-failure';
import { normaliseScannerText, splitSymbologyIdentifier, type Symbology } from './scan-input';

export type ScanScheme = 'GS1' | 'GS1_DL' | 'SSCC' | 'CN20';
export type ScanWarning = 'SUSPECT_MISSING_GS';

export interface ScanResult {
  readonly input: string;
  readonly valid: boolean;
  /** How the input was read; GS1 for anything unrecognisable (tried as GS1 data last). */
  readonly scheme: ScanScheme;
  /** The symbology identifier the scanner sent, e.g. "]d2". */
  readonly symbology?: string;
  readonly gtin?: string;
  readonly serial?: string;
  readonly lot?: string;
  /** AI 17 as 'YYYY-MM-DD'; day 00 resolved to the month's last day. */
  readonly expiry?: string;
  readonly sscc?: string;
  readonly cnCode?: string;
  /** The AI element strings in the data, in order (not a bare GTIN/SSCC or EAN primary). */
  readonly ais?: readonly AiValue[];
  readonly code?: 'BARCODE_INVALID';
  readonly subcode?: BarcodeSubcode;
  /** The precise reason behind the subcode. */
  readonly reason?: ScanFailureReason;
  /** Plain words for the person scanning: why it failed, or what a warning means. */
  readonly detail?: string;
  readonly warnings?: readonly ScanWarning[];
}

export interface ParseScanOptions extends DigitalLinkParseOptions {
  /** Check the req=, ex=, repeated-AI and signature rules (default true). */
  readonly validateAssociations?: boolean;
  /**
   * Read "^" as FNC1, as in the GS1 Syntax Engine's notation: a leading "^" marks GS1 data,
   * a later one is a separator, and text without the leading "^" is plain data. For test
   * data and tools; scanners send GS.
   */
  readonly caretIsFnc1?: boolean;
  /** The day against which two-digit years are placed in their century (default: now). */
  readonly now?: Date;
}

interface AiContext {
  readonly scheme?: ScanScheme;
  readonly symbology?: string;
  /** GS-separated data, where a lost GS can hide one AI in another. */
  readonly separatorDelimited: boolean;
  /** The GTIN of an EAN/UPC primary symbol, to which a composite's AIs belong. */
  readonly primaryGtin?: string;
}

const GTIN_LENGTHS = [8, 12, 13, 14];
const SSCC_LENGTH = 18;

/**
 * Reads what a barcode scanner (or a person) hands over: GS1 DataMatrix, QR, GS1-128,
 * DataBar, DotCode and EAN/UPC data with or without a symbology identifier, bracketed and
 * unbracketed element strings, GS1 Digital Link URIs, bare GTINs and SSCCs, and the 20-digit
 * Chinese drug traceability code. Never throws: every input gets a result.
 */
export class ScanParser {
  private readonly elementParser: Gs1ElementStringParser;
  private readonly digitalLinkParser: DigitalLinkParser;
  private readonly associations = new AiAssociationValidator();
  private readonly missingGs: MissingGsDetector;
  private readonly titleOf = (ai: string): string =>
    this.dictionary.lookupAi(ai, { permitUnknownAis: true })?.title ?? 'AI';

  constructor(
    private readonly options: ParseScanOptions = {},
    private readonly dictionary: AiDictionary = GS1_AI_DICTIONARY,
  ) {
    this.elementParser = new Gs1ElementStringParser(options, dictionary);
    this.digitalLinkParser = new DigitalLinkParser(options, dictionary);
    this.missingGs = new MissingGsDetector(dictionary);
  }

  parse(input: string): ScanResult {
    const text = normaliseScannerText(input);
    if (text === '') return this.reject(input, 'GS1', { reason: 'NO_DATA' });
    const split = splitSymbologyIdentifier(text);
    switch (split.kind) {
      case 'malformed':
        return this.reject(input, 'GS1', { reason: 'MISSING_SYMBOLOGY_IDENTIFIER' });
      case 'unsupported':
        return this.reject(input, 'GS1', {
          reason: 'UNSUPPORTED_SYMBOLOGY',
          value: split.identifier,
        });
      case 'known':
        return this.parseSymbolData(input, split.symbology, split.data);
      case 'none':
        return this.parseUnidentified(input, text);
    }
  }

  private parseSymbolData(input: string, symbology: Symbology, data: string): ScanResult {
    const symbologyId = symbology.identifier;
    switch (symbology.content) {
      case 'PLAIN':
        return this.parsePlainData(input, data, symbologyId);
      case 'EAN13':
      case 'EAN8':
        return this.parseEanData(input, data, symbology.content === 'EAN13' ? 13 : 8, symbologyId);
      case 'GS1':
        if (data === '') {
          return this.reject(input, 'GS1', { reason: 'NO_DATA' }, { symbology: symbologyId });
        }
        // Some scanners send the leading FNC1 as a GS too.
        return this.parseSeparatedData(input, data.startsWith(GS) ? data.slice(1) : data, {
          symbology: symbologyId,
          separatorDelimited: true,
        });
    }
  }

  private parseUnidentified(input: string, text: string): ScanResult {
    if (hasDigitalLinkScheme(text)) return this.parseDigitalLink(input, text);
    if (/^https?:\/\//i.test(text)) {
      return this.reject(input, 'GS1_DL', { reason: 'DL_BAD_SCHEME' });
    }
    if (this.options.caretIsFnc1) {
      return text.startsWith('^')
        ? this.parseSeparatedData(input, text.slice(1).replace(/\^/g, GS), {
            separatorDelimited: true,
          })
        : this.parsePlainData(input, text);
    }
    if (text.startsWith('(')) {
      return this.finishAis(input, this.elementParser.parseBracketed(text), {
        separatorDelimited: false,
      });
    }
    if (/^\d+$/.test(text)) {
      if (isChinaDrugTraceCode(text)) return { input, valid: true, scheme: 'CN20', cnCode: text };
      if (text.length === SSCC_LENGTH) return this.parseBareKey(input, '00', text);
      if (GTIN_LENGTHS.includes(text.length)) return this.parseBareKey(input, '01', text);
    }
    return this.parseSeparatedData(input, text.startsWith(GS) ? text.slice(1) : text, {
      separatorDelimited: true,
    });
  }

  /** Data of a non-GS1 symbology: only a Digital Link or a China drug code is of use. */
  private parsePlainData(input: string, data: string, symbology?: string): ScanResult {
    if (hasDigitalLinkScheme(data)) return this.parseDigitalLink(input, data, symbology);
    if (isChinaDrugTraceCode(data)) {
      return withoutUndefined({ input, valid: true, scheme: 'CN20', symbology, cnCode: data });
    }
    return this.reject(input, 'GS1', { reason: 'NOT_GS1_DATA' }, { symbology });
  }

  private parseDigitalLink(input: string, uri: string, symbology?: string): ScanResult {
    const parsed = this.digitalLinkParser.parse(uri);
    if (!parsed.ok) return this.reject(input, 'GS1_DL', parsed.failure, { symbology });
    const { path, attributes } = parsed.result;
    return this.finishAis(
      input,
      { ok: true, result: [...path, ...attributes] },
      {
        scheme: 'GS1_DL',
        symbology,
        separatorDelimited: false,
      },
    );
  }

  /** A GTIN or SSCC scanned on its own, e.g. from a linear barcode without identifier. */
  private parseBareKey(input: string, ai: '00' | '01', digits: string): ScanResult {
    const scheme = ai === '00' ? 'SSCC' : 'GS1';
    const value = ai === '01' ? digits.padStart(14, '0') : digits;
    const failure = checkAiValue(this.definitionOf(ai), value);
    if (failure) return this.reject(input, scheme, { ...failure, value: digits });
    return ai === '00'
      ? { input, valid: true, scheme, sscc: value }
      : { input, valid: true, scheme, gtin: value };
  }

  /** EAN-13/UPC-A or EAN-8, optionally with a composite "|]e0..." of further AIs. */
  private parseEanData(input: string, data: string, length: number, symbology: string): ScanResult {
    const bar = data.indexOf('|');
    const primary = bar < 0 ? data : data.slice(0, bar);
    const gtin = primary.padStart(14, '0');
    const failure: ScanFailure | null =
      primary.length < length
        ? { reason: 'VALUE_TOO_SHORT', ai: '01', value: primary }
        : primary.length > length
          ? { reason: 'VALUE_TOO_LONG', ai: '01', value: primary }
          : checkAiValue(this.definitionOf('01'), gtin);
    if (failure) return this.reject(input, 'GS1', { ...failure, value: primary }, { symbology });
    if (bar < 0) return { input, valid: true, scheme: 'GS1', symbology, gtin };
    const composite = data.slice(bar + 1);
    if (!composite.startsWith(']e0')) {
      return this.reject(
        input,
        'GS1',
        { reason: 'MALFORMED_ELEMENT_STRING', value: composite },
        { symbology },
      );
    }
    return this.parseSeparatedData(input, composite.slice(3), {
      symbology,
      separatorDelimited: true,
      primaryGtin: gtin,
    });
  }

  private parseSeparatedData(input: string, data: string, context: AiContext): ScanResult {
    const parsed = this.elementParser.parseUnbracketed(data);
    if (!parsed.ok && parsed.failure.reason === 'VALUE_TOO_LONG' && parsed.failure.ai) {
      // A value too long for its AI is often a lot and a serial run together.
      const { ai, value = '' } = parsed.failure;
      const swallowed = this.missingGs.inspectValue({ ai, value });
      if (swallowed) {
        return this.reject(input, 'GS1', parsed.failure, {
          symbology: context.symbology,
          warnings: ['SUSPECT_MISSING_GS'],
          detailSuffix: this.describeSwallowed(swallowed),
        });
      }
    }
    return this.finishAis(input, parsed, context);
  }

  private finishAis(
    input: string,
    parsed: ParseOutcome<ParsedAi[]>,
    context: AiContext,
  ): ScanResult {
    const { symbology } = context;
    if (!parsed.ok) {
      const scheme = context.scheme ?? (parsed.failure.ai === '00' ? 'SSCC' : 'GS1');
      return this.reject(input, scheme, parsed.failure, { symbology });
    }
    const elements = parsed.result;
    const ais = elements.map(({ ai, value }) => ({ ai, value }));
    const has = (ai: string): boolean => elements.some((e) => e.ai === ai);
    const scheme =
      context.scheme ?? (has('00') && !has('01') && !context.primaryGtin ? 'SSCC' : 'GS1');

    if (this.options.validateAssociations !== false) {
      const primary = context.primaryGtin ? [this.primaryElement(context.primaryGtin)] : [];
      const failure = this.associations.validate([...primary, ...elements]);
      if (failure) return this.reject(input, scheme, failure, { symbology, ais });
    }

    const valueOf = (ai: string): string | undefined => elements.find((e) => e.ai === ai)?.value;
    const expiryValue = valueOf('17');
    const expiry =
      expiryValue === undefined ? undefined : resolveGs1Date(expiryValue, this.options.now);
    if (expiry === null) {
      return this.reject(
        input,
        scheme,
        { reason: 'ILLEGAL_DAY', ai: '17', value: expiryValue },
        { symbology, ais },
      );
    }
    const swallowed = context.separatorDelimited ? this.missingGs.inspect(elements) : null;
    const result: ScanResult = {
      input,
      valid: true,
      scheme,
      symbology,
      gtin: valueOf('01') ?? context.primaryGtin,
      serial: valueOf('21'),
      lot: valueOf('10'),
      expiry,
      sscc: valueOf('00'),
      ais,
      ...(swallowed
        ? { warnings: ['SUSPECT_MISSING_GS'], detail: this.describeSwallowed(swallowed) }
        : {}),
    };
    return withoutUndefined(result);
  }

  private primaryElement(gtin: string): ParsedAi {
    return { ai: '01', value: gtin, definition: this.definitionOf('01'), end: 'fixed-length' };
  }

  private definitionOf(ai: string): AiDefinition {
    const definition = this.dictionary.lookupAi(ai);
    if (!definition) throw new Error(`the AI dictionary lacks AI (${ai})`);
    return definition;
  }

  private describeSwallowed({ host, offset, swallowed }: SwallowedAis): string {
    const kept = host.value.slice(0, offset);
    const hidden = swallowed.map((s) => `${this.titleOf(s.ai)} (${s.ai}) "${s.value}"`).join(', ');
    return (
      `${this.titleOf(host.ai)} (${host.ai}) "${host.value}" looks like "${kept}" followed by ${hidden}: ` +
      'the scanner probably dropped the GS separator. Check its FNC1/GS setting, rescan, and compare with the printed text.'
    );
  }

  private reject(
    input: string,
    scheme: ScanScheme,
    failure: ScanFailure,
    extra: {
      symbology?: string;
      ais?: readonly AiValue[];
      warnings?: readonly ScanWarning[];
      detailSuffix?: string;
    } = {},
  ): ScanResult {
    const detail = describeScanFailure(failure, this.titleOf);
    return withoutUndefined({
      input,
      valid: false,
      scheme,
      symbology: extra.symbology,
      ais: extra.ais,
      code: 'BARCODE_INVALID',
      subcode: subcodeOf(failure.reason),
      reason: failure.reason,
      detail: extra.detailSuffix ? `${detail} ${extra.detailSuffix}` : detail,
      warnings: extra.warnings,
    });
  }
}

/** Results carry only the fields that apply, so that they compare and serialise cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Parses one scan; see ScanParser. */
export function parseScan(input: string, options: ParseScanOptions = {}): ScanResult {
  return new ScanParser(options).parse(input);
}
