import { ArrayMinSize, IsBoolean, IsDefined, IsNumber, IsString, Matches } from 'class-validator';
import {
  BIZ_TRANSACTION_TYPE_VOCABULARY,
  DISPOSITION_VOCABULARY,
  ERROR_REASON_VOCABULARY,
  MEASUREMENT_TYPE_VOCABULARY,
  SENSOR_ALERT_VOCABULARY,
  SENSOR_COMPONENT_VOCABULARY,
  SOURCE_DESTINATION_TYPE_VOCABULARY,
} from './cbv-vocabulary';
import {
  IsDateTimeWithOffset,
  IsEpcisUri,
  IsUriList,
  IsVocabularyTerm,
  IsVocabularyTermList,
  NestedList,
  NestedObject,
  ObjectRule,
  OnlyFields,
  OptionalField,
  StandardOrNamespacedFields,
} from './epcis-constraints';

/** The nested structures of EPCIS 2.0 events (JSON binding names). */

const FINITE_NUMBER = { allowNaN: false, allowInfinity: false };

/** quantityList / childQuantityList / inputQuantityList / outputQuantityList item. */
@OnlyFields('quantity element', ['epcClass', 'quantity', 'uom'])
export class QuantityElementDto {
  @IsEpcisUri()
  epcClass: string;

  @OptionalField()
  @IsNumber(FINITE_NUMBER, { message: 'quantity must be a number (not a string)' })
  quantity?: number;

  /** UN/ECE Recommendation 20 unit code. */
  @OptionalField()
  @IsString()
  @Matches(/^[A-Z0-9]{2,3}$/, { message: 'uom must be a UN/ECE Rec 20 code such as KGM' })
  uom?: string;
}

@StandardOrNamespacedFields('readPoint', ['id'])
export class ReadPointDto {
  @IsEpcisUri()
  id: string;
}

@StandardOrNamespacedFields('bizLocation', ['id'])
export class BizLocationDto {
  @IsEpcisUri()
  id: string;
}

@OnlyFields('bizTransaction', ['type', 'bizTransaction'])
export class BizTransactionDto {
  @OptionalField()
  @IsVocabularyTerm(BIZ_TRANSACTION_TYPE_VOCABULARY)
  type?: string;

  @IsEpcisUri()
  bizTransaction: string;
}

@OnlyFields('source', ['type', 'source'])
export class SourceDto {
  @IsVocabularyTerm(SOURCE_DESTINATION_TYPE_VOCABULARY)
  type: string;

  @IsEpcisUri()
  source: string;
}

@OnlyFields('destination', ['type', 'destination'])
export class DestinationDto {
  @IsVocabularyTerm(SOURCE_DESTINATION_TYPE_VOCABULARY)
  type: string;

  @IsEpcisUri()
  destination: string;
}

@StandardOrNamespacedFields('sensorMetadata', [
  'time',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'startTime',
  'endTime',
  'dataProcessingMethod',
  'bizRules',
])
export class SensorMetadataDto {
  @OptionalField()
  @IsDateTimeWithOffset()
  time?: string;

  @OptionalField()
  @IsEpcisUri()
  deviceID?: string;

  @OptionalField()
  @IsEpcisUri()
  deviceMetadata?: string;

  @OptionalField()
  @IsEpcisUri()
  rawData?: string;

  @OptionalField()
  @IsDateTimeWithOffset()
  startTime?: string;

  @OptionalField()
  @IsDateTimeWithOffset()
  endTime?: string;

  @OptionalField()
  @IsEpcisUri()
  dataProcessingMethod?: string;

  @OptionalField()
  @IsEpcisUri()
  bizRules?: string;
}

@StandardOrNamespacedFields('sensorReport', [
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
  'time',
  'microorganism',
  'chemicalSubstance',
  'coordinateReferenceSystem',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
])
export class SensorReportDto {
  /** Required by the EPCIS 2.0 JSON schema: a reading without a measurement type is meaningless. */
  @IsVocabularyTerm(MEASUREMENT_TYPE_VOCABULARY)
  type: string;

  @OptionalField()
  @IsVocabularyTerm(SENSOR_ALERT_VOCABULARY)
  exception?: string;

  @OptionalField()
  @IsEpcisUri()
  deviceID?: string;

  @OptionalField()
  @IsEpcisUri()
  deviceMetadata?: string;

  @OptionalField()
  @IsEpcisUri()
  rawData?: string;

  @OptionalField()
  @IsEpcisUri()
  dataProcessingMethod?: string;

  @OptionalField()
  @IsEpcisUri()
  bizRules?: string;

  @OptionalField()
  @IsDateTimeWithOffset()
  time?: string;

  @OptionalField()
  @IsEpcisUri()
  microorganism?: string;

  @OptionalField()
  @IsEpcisUri()
  chemicalSubstance?: string;

  @OptionalField()
  @IsEpcisUri()
  coordinateReferenceSystem?: string;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  value?: number;

  @OptionalField()
  @IsVocabularyTerm(SENSOR_COMPONENT_VOCABULARY)
  component?: string;

  @OptionalField()
  @IsString()
  stringValue?: string;

  @OptionalField()
  @IsBoolean()
  booleanValue?: boolean;

  @OptionalField()
  @IsString()
  @Matches(/^[A-Fa-f0-9]+$/, { message: 'hexBinaryValue must be hexadecimal digits' })
  hexBinaryValue?: string;

  @OptionalField()
  @IsEpcisUri()
  uriValue?: string;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  minValue?: number;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  maxValue?: number;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  meanValue?: number;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  sDev?: number;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  percRank?: number;

  @OptionalField()
  @IsNumber(FINITE_NUMBER)
  percValue?: number;

  @OptionalField()
  @IsString()
  uom?: string;
}

@StandardOrNamespacedFields('sensorElement', ['sensorMetadata', 'sensorReport'])
export class SensorElementDto {
  @OptionalField()
  @NestedObject(() => SensorMetadataDto)
  sensorMetadata?: SensorMetadataDto;

  @IsDefined({ message: 'sensorReport is required' })
  @ArrayMinSize(1)
  @NestedList(() => SensorReportDto)
  sensorReport: SensorReportDto[];
}

@OnlyFields('persistentDisposition', ['set', 'unset'])
@ObjectRule('persistentDispositionNotEmpty', (object) =>
  object.set === undefined && object.unset === undefined
    ? 'persistentDisposition needs set or unset'
    : null,
)
export class PersistentDispositionDto {
  @OptionalField()
  @IsVocabularyTermList(DISPOSITION_VOCABULARY)
  set?: string[];

  @OptionalField()
  @IsVocabularyTermList(DISPOSITION_VOCABULARY)
  unset?: string[];
}

@StandardOrNamespacedFields('errorDeclaration', ['declarationTime', 'reason', 'correctiveEventIDs'])
export class ErrorDeclarationDto {
  @IsDateTimeWithOffset()
  declarationTime: string;

  @OptionalField()
  @IsVocabularyTerm(ERROR_REASON_VOCABULARY)
  reason?: string;

  @OptionalField()
  @IsUriList()
  correctiveEventIDs?: string[];
}
