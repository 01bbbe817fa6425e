import {
  ACTION_RULES,
  actionsForEpcis,
  actionsFrom,
  expandVocabularyTerm,
  TRACE_JSONLD_CONTEXT,
  UNIT_ACTIONS,
} from './unit-actions';
import { NON_TERMINAL_STATES, TERMINAL_STATES, UNIT_STATES } from './unit-state';

describe('ACTION_RULES', () => {
  it('covers every action exactly once', () => {
    expect(Object.keys(ACTION_RULES).sort()).toEqual([...UNIT_ACTIONS].sort());
  });

  it('only releases and conformant inspections make a blocked pack usable again', () => {
    const releasing = UNIT_ACTIONS.filter((a) => ACTION_RULES[a].releasesToUse);
    expect(releasing.sort()).toEqual(['INSPECT_CONFORMANT', 'RELEASE_HOLD']);
  });

  it('never starts from a terminal state, and every non-terminal state has a way out', () => {
    for (const action of UNIT_ACTIONS) {
      const from = ACTION_RULES[action].from;
      if (from !== 'NONE') expect(from.filter((s) => TERMINAL_STATES.includes(s))).toEqual([]);
    }
    for (const state of NON_TERMINAL_STATES) {
      const leaving = actionsFrom(state).filter((a) => {
        const to = ACTION_RULES[a].to;
        return to !== null && to !== state;
      });
      expect(leaving.length).toBeGreaterThan(0);
    }
    for (const state of TERMINAL_STATES) expect(actionsFrom(state)).toEqual([]);
  });

  it('passes custody only at receipt (and at announce), records destinations only when shipping', () => {
    const taking = UNIT_ACTIONS.filter((a) => ACTION_RULES[a].custody === 'TAKE');
    expect(taking.sort()).toEqual(
      [
        'ANNOUNCE',
        'RECEIVE_BONDED',
        'RECEIVE_HOSPITAL',
        'RECEIVE_HOSPITAL_MISMATCH',
        'RETURN_RECEIVE',
        'TRANSFER_RECEIVE',
      ].sort(),
    );
    const consigning = UNIT_ACTIONS.filter((a) => ACTION_RULES[a].custody === 'CONSIGN');
    expect(consigning.sort()).toEqual(['RETURN_SHIP', 'SHIP', 'TRANSFER_SHIP']);
  });
});

/** CBV 2.0 standard business steps and dispositions (short names). */
const CBV_BIZ_STEPS = [
  'arriving',
  'commissioning',
  'cycle_counting',
  'destroying',
  'dispensing',
  'encoding',
  'holding',
  'inspecting',
  'packing',
  'receiving',
  'reserving',
  'sampling',
  'shipping',
  'storing',
  'unpacking',
  'void_shipping',
];
const CBV_DISPOSITIONS = [
  'active',
  'available',
  'conformant',
  'damaged',
  'destroyed',
  'dispensed',
  'expired',
  'in_progress',
  'in_transit',
  'non_conformant',
  'non_sellable_other',
  'recalled',
  'reserved',
  'returned',
  'sellable_accessible',
  'stolen',
  'unknown',
];

describe('EPCIS 2.0 / CBV encoding', () => {
  it.each(UNIT_ACTIONS)('%s uses CBV vocabulary or a tl: CURIE', (action) => {
    const { epcis } = ACTION_RULES[action];
    const custom = epcis.bizStep.startsWith('tl:');
    expect(custom || CBV_BIZ_STEPS.includes(epcis.bizStep)).toBe(true);
    if (epcis.disposition !== undefined) {
      expect(CBV_DISPOSITIONS).toContain(epcis.disposition);
    }
  });

  it('encodes the rows of domain.md §3 as written there', () => {
    expect(ACTION_RULES.ANNOUNCE.epcis).toEqual({
      eventType: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
    });
    expect(ACTION_RULES.APPLY_CN_CODE.epcis).toMatchObject({
      eventType: 'AssociationEvent',
      action: 'ADD',
    });
    expect(ACTION_RULES.PACK.epcis).toMatchObject({ eventType: 'AggregationEvent', action: 'ADD' });
    expect(ACTION_RULES.UNPACK.epcis).toMatchObject({
      eventType: 'AggregationEvent',
      action: 'DELETE',
    });
    expect(ACTION_RULES.SHIP.epcis).toMatchObject({
      bizStep: 'shipping',
      disposition: 'in_transit',
    });
    expect(ACTION_RULES.RECEIVE_HOSPITAL.epcis).toMatchObject({
      bizStep: 'receiving',
      disposition: 'sellable_accessible',
    });
    expect(ACTION_RULES.DISPENSE.epcis).toMatchObject({
      bizStep: 'dispensing',
      disposition: 'dispensed',
    });
    expect(ACTION_RULES.HOLD.epcis).toMatchObject({
      bizStep: 'holding',
      disposition: 'non_sellable_other',
    });
    expect(ACTION_RULES.RELEASE_HOLD.epcis.bizStep).toBe('inspecting');
    expect(ACTION_RULES.RECALL.epcis.disposition).toBe('recalled');
    expect(ACTION_RULES.RETURN_SHIP.epcis).toMatchObject({
      bizStep: 'shipping',
      disposition: 'returned',
    });
    expect(ACTION_RULES.RETURN_RECEIVE.epcis.bizStep).toBe('receiving');
    expect(ACTION_RULES.LOSE.epcis.disposition).toBe('unknown');
    expect(ACTION_RULES.DESTROY.epcis).toMatchObject({
      bizStep: 'destroying',
      disposition: 'destroyed',
    });
    expect(ACTION_RULES.SAMPLE.epcis).toMatchObject({ action: 'DELETE', bizStep: 'sampling' });
    expect(ACTION_RULES.VOID_SHIPMENT.epcis.bizStep).toBe('void_shipping');
    expect(ACTION_RULES.UNDO_DISPENSE.epcis.correctionOf).toBe('DISPENSE');
  });

  it('administering is our own term, a CURIE bound in the JSON-LD context', () => {
    expect(ACTION_RULES.ADMINISTER.epcis).toMatchObject({
      action: 'DELETE',
      bizStep: 'tl:administering',
    });
    expect(expandVocabularyTerm('tl:administering')).toBe(
      `${TRACE_JSONLD_CONTEXT.tl}administering`,
    );
    expect(expandVocabularyTerm('shipping')).toBe('shipping');
  });

  it('lists the actions of a state from the table', () => {
    expect(actionsFrom('IN_TRANSIT').sort()).toEqual(
      [
        'DAMAGE',
        'LOSE',
        'RECALL',
        'RECEIVE_HOSPITAL',
        'RECEIVE_HOSPITAL_MISMATCH',
        'STEAL',
        'TRANSFER_RECEIVE',
        'VOID_SHIPMENT',
      ].sort(),
    );
    expect(UNIT_STATES.every((s) => Array.isArray(actionsFrom(s)))).toBe(true);
  });
});

describe('actionsForEpcis', () => {
  it('finds every action from its own encoding', () => {
    for (const action of UNIT_ACTIONS) {
      const e = ACTION_RULES[action].epcis;
      if (e.correctionOf) continue;
      expect(
        actionsForEpcis({
          eventType: e.eventType,
          action: e.action,
          bizStep: e.bizStep,
          disposition: e.disposition,
        }),
      ).toContain(action);
    }
  });

  it('lists the actions that share an encoding, and all dispositions of a bare bizStep', () => {
    const shipping = { eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping' };
    expect(actionsForEpcis({ ...shipping, disposition: 'in_transit' })).toEqual([
      'SHIP',
      'TRANSFER_SHIP',
      'RE_EXPORT',
    ]);
    expect(actionsForEpcis(shipping)).toEqual([
      'SHIP',
      'TRANSFER_SHIP',
      'RETURN_SHIP',
      'RE_EXPORT',
    ]);
    expect(
      actionsForEpcis({
        eventType: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'void_shipping',
        disposition: 'in_transit',
      }),
    ).toEqual(['VOID_SHIPMENT']);
  });

  it('matches nothing for a wrong event type, action or an unknown bizStep, and never a correction', () => {
    expect(
      actionsForEpcis({ eventType: 'ObjectEvent', action: 'ADD', bizStep: 'shipping' }),
    ).toEqual([]);
    expect(
      actionsForEpcis({ eventType: 'TransactionEvent', action: 'ADD', bizStep: 'commissioning' }),
    ).toEqual([]);
    expect(
      actionsForEpcis({ eventType: 'ObjectEvent', action: 'OBSERVE', bizStep: 'brewing' }),
    ).toEqual([]);
    expect(
      actionsForEpcis({
        eventType: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'sellable_accessible',
      }),
    ).toEqual(['RECEIVE_HOSPITAL', 'TRANSFER_RECEIVE']);
  });
});
