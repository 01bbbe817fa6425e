/**
 * Code lists of the GS1 Core Business Vocabulary (CBV 2.0) and of the GS1 Web Vocabulary terms
 * that EPCIS 2.0 JSON uses, by short name. The JSON binding writes CBV terms as bare short names
 * ("shipping"); the long forms (URN, ref.gs1.org web URI, cbv: CURIE) name the same term.
 */

export const CBV_BIZ_STEPS = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'sampling',
  'sensor_reporting',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
] as const;

export const CBV_DISPOSITIONS = [
  'active',
  'available',
  'completeness_inferred',
  'completeness_verified',
  'conformant',
  'container_closed',
  'container_open',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'mismatch_class',
  'mismatch_instance',
  'mismatch_quantity',
  'needs_replacement',
  'no_pedigree_match',
  'non_conformant',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unavailable',
  'unknown',
] as const;

export const CBV_BIZ_TRANSACTION_TYPES = [
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
] as const;

export const CBV_SOURCE_DESTINATION_TYPES = [
  'owning_party',
  'possessing_party',
  'location',
] as const;

export const CBV_ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const;

/** gs1:MeasurementType terms allowed as `sensorReport.type`. */
export const SENSOR_MEASUREMENT_TYPES = [
  'AbsoluteHumidity',
  'AbsorbedDose',
  'AbsorbedDoseRate',
  'Acceleration',
  'Radioactivity',
  'Altitude',
  'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume',
  'Angle',
  'AngularAcceleration',
  'AngularMomentum',
  'AngularVelocity',
  'Area',
  'Capacitance',
  'Conductance',
  'Conductivity',
  'Count',
  'Density',
  'Dimensionless',
  'DoseEquivalent',
  'DoseEquivalentRate',
  'DynamicViscosity',
  'ElectricCharge',
  'ElectricCurrent',
  'ElectricCurrentDensity',
  'ElectricFieldStrength',
  'Energy',
  'Exposure',
  'Force',
  'Frequency',
  'Illuminance',
  'Inductance',
  'Irradiance',
  'KinematicViscosity',
  'Length',
  'LinearMomentum',
  'Luminance',
  'LuminousFlux',
  'LuminousIntensity',
  'MagneticFlux',
  'MagneticFluxDensity',
  'MagneticVectorPotential',
  'Mass',
  'MassConcentration',
  'MassFlowRate',
  'MassPerAreaTime',
  'MemoryCapacity',
  'MolalityOfSolute',
  'MolarEnergy',
  'MolarMass',
  'MolarVolume',
  'Power',
  'Pressure',
  'RadiantFlux',
  'RadiantIntensity',
  'RelativeHumidity',
  'Resistance',
  'Resistivity',
  'SolidAngle',
  'SpecificVolume',
  'Speed',
  'SurfaceDensity',
  'SurfaceTension',
  'Temperature',
  'Time',
  'Torque',
  'Voltage',
  'Volume',
  'VolumeFlowRate',
  'VolumeFraction',
  'VolumetricFlux',
  'Wavenumber',
] as const;

export const SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'] as const;

export const SENSOR_COMPONENTS = [
  'x',
  'y',
  'z',
  'axial_distance',
  'azimuth',
  'height',
  'spherical_radius',
  'polar_angle',
  'elevation_angle',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'altitude',
] as const;

/** One controlled vocabulary and the long forms under which its terms may also be written. */
export interface EpcisVocabulary {
  /** What a term of the list is, for messages: "CBV 2.0 business step". */
  readonly description: string;
  readonly terms: readonly string[];
  /** Prefixes that, followed by a short name, spell the same term ("urn:epcglobal:cbv:bizstep:"). */
  readonly longFormPrefixes: readonly string[];
}

function cbvVocabulary(
  description: string,
  terms: readonly string[],
  urnCategory: string,
  webCategory: string,
): EpcisVocabulary {
  return {
    description,
    terms,
    longFormPrefixes: [
      `urn:epcglobal:cbv:${urnCategory}:`,
      `https://ref.gs1.org/cbv/${webCategory}-`,
      `cbv:${webCategory}-`,
    ],
  };
}

export const BIZ_STEP_VOCABULARY = cbvVocabulary(
  'CBV 2.0 business step',
  CBV_BIZ_STEPS,
  'bizstep',
  'BizStep',
);
export const DISPOSITION_VOCABULARY = cbvVocabulary(
  'CBV 2.0 disposition',
  CBV_DISPOSITIONS,
  'disp',
  'Disp',
);
export const BIZ_TRANSACTION_TYPE_VOCABULARY = cbvVocabulary(
  'CBV 2.0 business transaction type',
  CBV_BIZ_TRANSACTION_TYPES,
  'btt',
  'BTT',
);
export const SOURCE_DESTINATION_TYPE_VOCABULARY = cbvVocabulary(
  'CBV 2.0 source/destination type',
  CBV_SOURCE_DESTINATION_TYPES,
  'sdt',
  'SDT',
);
export const ERROR_REASON_VOCABULARY = cbvVocabulary(
  'CBV 2.0 error reason',
  CBV_ERROR_REASONS,
  'er',
  'ER',
);
export const MEASUREMENT_TYPE_VOCABULARY: EpcisVocabulary = {
  description: 'GS1 measurement type',
  terms: SENSOR_MEASUREMENT_TYPES,
  longFormPrefixes: ['gs1:'],
};
export const SENSOR_ALERT_VOCABULARY: EpcisVocabulary = {
  description: 'GS1 sensor alert type',
  terms: SENSOR_ALERT_TYPES,
  longFormPrefixes: ['gs1:'],
};
export const SENSOR_COMPONENT_VOCABULARY = cbvVocabulary(
  'CBV 2.0 sensor component',
  SENSOR_COMPONENTS,
  'comp',
  'Comp',
);

/** Long forms that belong to the CBV namespaces: a term there must be a real CBV term. */
export const CBV_NAMESPACE_PREFIXES = [
  'urn:epcglobal:cbv:',
  'https://ref.gs1.org/cbv/',
  'http://ref.gs1.org/cbv/',
  'https://ns.gs1.org/cbv/',
  'http://ns.gs1.org/cbv/',
  'cbv:',
] as const;
