import {
  GS1_AI_DICTIONARY,
  type AiDefinition,
  type AiDictionary,
  type AiLookupOptions,
} from './ai-dictionary';
import { checkAiValue } from './ai-value-validator';
import type { ParsedAi } from './gs1-element-string-parser';
import { refuse, succeed, type ParseOutcome } from './scan-failure';

export interface DigitalLinkParseOptions extends AiLookupOptions {
  /** Accept GTIN-8/12/13 in /01/ (and ?01=) and pad them to 14 digits, as older tools wrote. */
  readonly permitZeroSuppressedGtin?: boolean;
  /** Accept the deprecated path names /gtin/, /lot/, /ser/, /sscc/, ... for the AIs. */
  readonly permitConvenienceAlphas?: boolean;
  /** Ignore one trailing "/" after the last path value. */
  readonly permitTrailingSlash?: boolean;
  /** Put key qualifiers given in the wrong order into their dlpkey order instead of refusing. */
  readonly sortKeyQualifiers?: boolean;
  /** With permitUnknownAis: also accept unknown AIs as query attributes. */
  readonly permitUnknownAisAsDataAttributes?: boolean;
}

export interface DigitalLink {
  /** Everything before the primary key: scheme, host and any custom path, no trailing "/". */
  readonly stem: string;
  /** The primary key, then its key qualifiers, in path order. */
  readonly path: readonly ParsedAi[];
  /** AIs given as query parameters, in their order. */
  readonly attributes: readonly ParsedAi[];
  /** Other query parameters as given (linkType=..., singletons), which carry no AI data. */
  readonly otherQueryParameters: readonly string[];
}

/** Deprecated convenience names of path AIs (GS1 Digital Link 1.x). */
export const DIGITAL_LINK_CONVENIENCE_ALPHAS: Readonly<Record<string, string>> = {
  cpid: '8010',
  cpsn: '8011',
  cpv: '22',
  gcn: '255',
  gdti: '253',
  giai: '8004',
  ginc: '401',
  gln: '414',
  glnx: '254',
  gmn: '8013',
  grai: '8003',
  gsin: '402',
  gsrn: '8018',
  gsrnp: '8017',
  gtin: '01',
  itip: '8006',
  lot: '10',
  party: '417',
  refno: '8020',
  ser: '21',
  srin: '8019',
  sscc: '00',
};

/** RFC 3986 characters; anything else must be %-escaped. */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_DOMAIN_CHARACTERS = /[_~?#@!$&'()*+,;=%]/;
/** Mixed-case schemes are refused, as by the GS1 Syntax Engine: no GS1 carrier prints them. */
const SCHEMES = ['https://', 'HTTPS://', 'http://', 'HTTP://'];

/** Whether text is meant as a web URI (http/https in one case), i.e. a Digital Link candidate. */
export function hasDigitalLinkScheme(text: string): boolean {
  return SCHEMES.some((scheme) => text.startsWith(scheme));
}

/** %-decoding as RFC 3986; in a query "+" is a space. Null when a NUL would result. */
function percentDecode(raw: string, inQuery: boolean): string | null {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      const code = parseInt(raw.slice(i + 1, i + 3), 16);
      if (code === 0) return null;
      out += String.fromCharCode(code);
      i += 2;
    } else {
      out += inQuery && c === '+' ? ' ' : c;
    }
  }
  return out;
}

/**
 * Parses GS1 Digital Link URIs with any host and custom path before the key
 * (`https://example.com/any/path/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD`): finds the
 * rightmost primary key, checks the key-qualifier order the dictionary's dlpkey allows,
 * decodes values and query attributes, and checks each value against the dictionary.
 */
export class DigitalLinkParser {
  constructor(
    private readonly options: DigitalLinkParseOptions = {},
    private readonly dictionary: AiDictionary = GS1_AI_DICTIONARY,
  ) {}

  parse(uri: string): ParseOutcome<DigitalLink> {
    if (!URI_CHARACTERS.test(uri)) return refuse({ reason: 'DL_ILLEGAL_CHARACTER' });
    const scheme = SCHEMES.find((s) => uri.startsWith(s));
    if (!scheme) return refuse({ reason: 'DL_BAD_SCHEME' });
    const rest = uri.slice(scheme.length);
    const slash = rest.indexOf('/');
    if (slash < 1 || BAD_DOMAIN_CHARACTERS.test(rest.slice(0, slash))) {
      return refuse({ reason: 'DL_BAD_DOMAIN' });
    }
    const domain = rest.slice(0, slash);
    let path = rest.slice(slash).split('#')[0];
    const queryAt = path.indexOf('?');
    const query = queryAt < 0 ? '' : path.slice(queryAt + 1);
    if (queryAt >= 0) path = path.slice(0, queryAt);
    if (this.options.permitTrailingSlash && path.length > 1 && path.endsWith('/')) {
      path = path.slice(0, -1);
    }

    const segments = path.split('/');
    const keyIndex = this.findPrimaryKey(segments);
    if (keyIndex < 0) return refuse({ reason: 'DL_NO_PRIMARY_KEY' });
    const stem = scheme + domain + segments.slice(0, keyIndex).join('/');

    let pathAis: ParsedAi[] = [];
    for (let k = keyIndex; k < segments.length; k += 2) {
      const definition = this.pathAi(segments[k]);
      if (!definition) return refuse({ reason: 'UNKNOWN_AI', value: segments[k] });
      const element = this.decodeElement(definition, segments[k + 1], false);
      if (!element.ok) return element;
      pathAis.push(element.result);
    }
    const ordered = this.checkPathOrder(pathAis);
    if (!ordered.ok) return ordered;
    pathAis = ordered.result;

    const attributes: ParsedAi[] = [];
    const otherQueryParameters: string[] = [];
    for (const parameter of query.split('&')) {
      if (parameter === '') continue;
      const equals = parameter.indexOf('=');
      const key = parameter.slice(0, Math.max(equals, 0));
      if (equals < 0 || !/^\d+$/.test(key)) {
        otherQueryParameters.push(parameter);
        continue;
      }
      // A numeric parameter name claims to be an AI, so it must be one.
      const definition = this.dictionary.lookupAi(key, this.options);
      if (!definition) return refuse({ reason: 'UNKNOWN_AI', value: key });
      const element = this.decodeElement(definition, parameter.slice(equals + 1), true);
      if (!element.ok) return element;
      attributes.push(element.result);
    }
    const attributeFailure = this.checkAttributes(pathAis, attributes);
    if (!attributeFailure.ok) return attributeFailure;

    return succeed({ stem, path: pathAis, attributes, otherQueryParameters });
  }

  /** The path position of the rightmost primary key, walking "/AI/value" pairs from the end. */
  private findPrimaryKey(segments: readonly string[]): number {
    for (let k = segments.length - 2; k >= 1; k -= 2) {
      const definition = this.pathAi(segments[k]);
      if (!definition) return -1;
      if (this.dictionary.isDlPrimaryKey(definition.ai)) return k;
    }
    return -1;
  }

  private pathAi(segment: string): AiDefinition | null {
    if (this.options.permitConvenienceAlphas && /^[a-z]{3,5}$/.test(segment)) {
      const ai = DIGITAL_LINK_CONVENIENCE_ALPHAS[segment];
      if (ai) return this.dictionary.lookupAi(ai);
    }
    return this.dictionary.lookupAi(segment, this.options);
  }

  private decodeElement(
    definition: AiDefinition,
    raw: string,
    inQuery: boolean,
  ): ParseOutcome<ParsedAi> {
    const { ai } = definition;
    if (raw === '') return refuse({ reason: 'VALUE_EMPTY', ai });
    let value = percentDecode(raw, inQuery);
    if (value === null) return refuse({ reason: 'DL_NULL_CHARACTER', ai });
    if (
      this.options.permitZeroSuppressedGtin &&
      ai === '01' &&
      [8, 12, 13].includes(value.length)
    ) {
      value = value.padStart(14, '0');
    }
    const failure = checkAiValue(definition, value);
    return failure ? refuse(failure) : succeed({ ai, value, definition, end: 'delimited' });
  }

  private checkPathOrder(pathAis: ParsedAi[]): ParseOutcome<ParsedAi[]> {
    const ais = pathAis.map((p) => p.ai);
    if (this.dictionary.isValidDlPathSequence(ais)) return succeed(pathAis);
    const [key, ...qualifiers] = ais;
    const order = this.options.sortKeyQualifiers
      ? this.dictionary.orderDlQualifiers(key, qualifiers)
      : null;
    if (!order) {
      return refuse({ reason: 'DL_KEY_QUALIFIER_ORDER', expected: `/${ais.join('/…/')}/…` });
    }
    const byAi = new Map(pathAis.map((p) => [p.ai, p]));
    return succeed([pathAis[0], ...order.map((ai) => byAi.get(ai) as ParsedAi)]);
  }

  private checkAttributes(
    pathAis: readonly ParsedAi[],
    attributes: readonly ParsedAi[],
  ): ParseOutcome<null> {
    const seen = pathAis.map((p) => p.ai);
    for (const attribute of attributes) {
      const { ai, definition } = attribute;
      if (seen.includes(ai)) return refuse({ reason: 'DL_DUPLICATE_AI', ai });
      const permitted = definition.known
        ? definition.dlDataAttribute
        : this.options.permitUnknownAisAsDataAttributes === true;
      if (!permitted) return refuse({ reason: 'DL_NOT_A_DATA_ATTRIBUTE', ai });
      // An AI that would be a valid key qualifier at some place in the path must go there.
      for (let j = 1; j <= pathAis.length; j++) {
        const trial = [
          ...pathAis.slice(0, j).map((p) => p.ai),
          ai,
          ...pathAis.slice(j).map((p) => p.ai),
        ];
        if (this.dictionary.isValidDlPathSequence(trial)) {
          return refuse({ reason: 'DL_AI_BELONGS_IN_PATH', ai });
        }
      }
      seen.push(ai);
    }
    return succeed(null);
  }
}
