import {
  BIZ_STEP_VOCABULARY,
  BIZ_TRANSACTION_TYPE_VOCABULARY,
  DISPOSITION_VOCABULARY,
  ERROR_REASON_VOCABULARY,
  EpcisVocabulary,
  SOURCE_DESTINATION_TYPE_VOCABULARY,
} from '@trace/epcis';

type Json = Record<string, unknown>;

/** A CBV term given in a long form (URN, web URI, cbv: CURIE) as the bare word; else as is. */
function bareWord(value: unknown, vocabulary: EpcisVocabulary): unknown {
  if (typeof value !== 'string') return value;
  for (const prefix of vocabulary.longFormPrefixes) {
    if (value.startsWith(prefix) && vocabulary.terms.includes(value.slice(prefix.length))) {
      return value.slice(prefix.length);
    }
  }
  return value;
}

function typed(list: unknown, vocabulary: EpcisVocabulary): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item) =>
    item && typeof item === 'object' && 'type' in item
      ? { ...(item as Json), type: bareWord((item as Json).type, vocabulary) }
      : item,
  );
}

/**
 * An event in the EPCIS 2.0 JSON binding's form: standard CBV values as bare words. Capture
 * also takes their URN and web URI forms (the XML binding's, and what converted documents
 * carry), but the JSON schema refuses `urn:epcglobal:cbv:…` values, so a query document
 * writes them the JSON way. Only the spelling changes: it names the same term, so the
 * event (and an event hash computed from it) stays the same.
 */
export function inJsonBindingForm(event: Json): Json {
  const out: Json = { ...event };
  if ('bizStep' in out) out.bizStep = bareWord(out.bizStep, BIZ_STEP_VOCABULARY);
  if ('disposition' in out) out.disposition = bareWord(out.disposition, DISPOSITION_VOCABULARY);
  const persistent = out.persistentDisposition as Json | undefined;
  if (persistent && typeof persistent === 'object') {
    const words = (list: unknown) =>
      Array.isArray(list) ? list.map((d) => bareWord(d, DISPOSITION_VOCABULARY)) : list;
    out.persistentDisposition = {
      ...persistent,
      ...('set' in persistent ? { set: words(persistent.set) } : {}),
      ...('unset' in persistent ? { unset: words(persistent.unset) } : {}),
    };
  }
  if ('bizTransactionList' in out) {
    out.bizTransactionList = typed(out.bizTransactionList, BIZ_TRANSACTION_TYPE_VOCABULARY);
  }
  if ('sourceList' in out)
    out.sourceList = typed(out.sourceList, SOURCE_DESTINATION_TYPE_VOCABULARY);
  if ('destinationList' in out) {
    out.destinationList = typed(out.destinationList, SOURCE_DESTINATION_TYPE_VOCABULARY);
  }
  const declaration = out.errorDeclaration as Json | undefined;
  if (declaration && typeof declaration === 'object' && 'reason' in declaration) {
    out.errorDeclaration = {
      ...declaration,
      reason: bareWord(declaration.reason, ERROR_REASON_VOCABULARY),
    };
  }
  return out;
}
