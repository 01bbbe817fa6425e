import { IsIn } from 'class-validator';
import { BIZ_STEP_VOCABULARY, DISPOSITION_VOCABULARY } from './cbv-vocabulary';
import {
  Check,
  IsDateTimeWithOffset,
  IsEpcisUri,
  IsEventContext,
  IsNamespacedObject,
  IsTimeZoneOffset,
  IsUriList,
  IsUriOrUriList,
  IsVocabularyTerm,
  NestedList,
  NestedObject,
  ObjectRule,
  OptionalField,
  StandardOrNamespacedFields,
} from './epcis-constraints';
import {
  BizLocationDto,
  BizTransactionDto,
  DestinationDto,
  ErrorDeclarationDto,
  PersistentDispositionDto,
  QuantityElementDto,
  ReadPointDto,
  SensorElementDto,
  SourceDto,
} from './epcis-event-parts.dto';

/** The five EPCIS 2.0 event types, as DTOs for plainToInstance + validateSync. */

export const EPCIS_ACTIONS = ['ADD', 'OBSERVE', 'DELETE'] as const;
export type EpcisAction = (typeof EPCIS_ACTIONS)[number];

export const EPCIS_EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;
export type EpcisEventType = (typeof EPCIS_EVENT_TYPES)[number];

const COMMON_EVENT_FIELDS = [
  '@context',
  'type',
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'certificationInfo',
  'errorDeclaration',
] as const;

/** What, where and why fields every event type carries. */
const WHERE_WHY_FIELDS = [
  'bizStep',
  'disposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
] as const;

const ACTION_MESSAGE = `action must be one of ${EPCIS_ACTIONS.join(', ')}`;

function isNonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Fields every event type shares. Abstract: validation always goes through a concrete type. */
export abstract class EpcisEventDto {
  @OptionalField()
  @IsEventContext()
  '@context'?: unknown;

  @IsIn(EPCIS_EVENT_TYPES, { message: `type must be one of ${EPCIS_EVENT_TYPES.join(', ')}` })
  type: EpcisEventType;

  @IsDateTimeWithOffset()
  eventTime: string;

  @OptionalField()
  @IsDateTimeWithOffset()
  recordTime?: string;

  @IsTimeZoneOffset()
  eventTimeZoneOffset: string;

  @OptionalField()
  @IsEpcisUri()
  eventID?: string;

  @OptionalField()
  @IsUriOrUriList()
  certificationInfo?: string | string[];

  @OptionalField()
  @NestedObject(() => ErrorDeclarationDto)
  errorDeclaration?: ErrorDeclarationDto;

  @OptionalField()
  @IsVocabularyTerm(BIZ_STEP_VOCABULARY)
  bizStep?: string;

  @OptionalField()
  @IsVocabularyTerm(DISPOSITION_VOCABULARY)
  disposition?: string;

  @OptionalField()
  @NestedObject(() => ReadPointDto)
  readPoint?: ReadPointDto;

  @OptionalField()
  @NestedObject(() => BizLocationDto)
  bizLocation?: BizLocationDto;

  @OptionalField()
  @NestedList(() => BizTransactionDto)
  bizTransactionList?: BizTransactionDto[];

  @OptionalField()
  @NestedList(() => SourceDto)
  sourceList?: SourceDto[];

  @OptionalField()
  @NestedList(() => DestinationDto)
  destinationList?: DestinationDto[];

  @OptionalField()
  @NestedList(() => SensorElementDto)
  sensorElementList?: SensorElementDto[];
}

@StandardOrNamespacedFields('ObjectEvent', [
  ...COMMON_EVENT_FIELDS,
  ...WHERE_WHY_FIELDS,
  'action',
  'epcList',
  'quantityList',
  'persistentDisposition',
  'ilmd',
])
@ObjectRule('objectEventWhat', (event) =>
  isNonEmptyArray(event.epcList) ||
  isNonEmptyArray(event.quantityList) ||
  // EPCIS 2.0 allows a pure sensor observation at a place, with no object identified.
  (isNonEmptyArray(event.sensorElementList) && event.readPoint !== undefined)
    ? null
    : 'ObjectEvent needs a non-empty epcList or quantityList (or sensorElementList with readPoint)',
)
export class ObjectEventDto extends EpcisEventDto {
  declare type: 'ObjectEvent';

  @IsIn(EPCIS_ACTIONS, { message: ACTION_MESSAGE })
  action: EpcisAction;

  @OptionalField()
  @IsUriList({ unique: true })
  epcList?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  quantityList?: QuantityElementDto[];

  @OptionalField()
  @NestedObject(() => PersistentDispositionDto)
  persistentDisposition?: PersistentDispositionDto;

  /** Instance/lot master data: only when the objects come into being (action ADD). */
  @OptionalField()
  @IsNamespacedObject()
  @Check('ilmdOnlyWithAdd', (_value, _name, event) =>
    (event as { action?: unknown }).action === 'ADD'
      ? null
      : 'ilmd is only allowed in an ObjectEvent with action ADD',
  )
  ilmd?: Record<string, unknown>;
}

@StandardOrNamespacedFields('AggregationEvent', [
  ...COMMON_EVENT_FIELDS,
  ...WHERE_WHY_FIELDS,
  'action',
  'parentID',
  'childEPCs',
  'childQuantityList',
])
@ObjectRule('aggregationEventChildren', (event) =>
  event.action === 'DELETE' ||
  isNonEmptyArray(event.childEPCs) ||
  isNonEmptyArray(event.childQuantityList)
    ? null
    : 'AggregationEvent with action ADD or OBSERVE needs a non-empty childEPCs or childQuantityList',
)
// EPCIS 2.0 section 7.4.3: ADD and DELETE say what the children join or leave.
@ObjectRule('aggregationEventParent', (event) =>
  event.parentID === undefined && (event.action === 'ADD' || event.action === 'DELETE')
    ? `parentID is required in an AggregationEvent with action ${String(event.action)}`
    : null,
)
export class AggregationEventDto extends EpcisEventDto {
  declare type: 'AggregationEvent';

  @IsIn(EPCIS_ACTIONS, { message: ACTION_MESSAGE })
  action: EpcisAction;

  /** Required for ADD and DELETE, optional for OBSERVE: see aggregationEventParent. */
  @OptionalField()
  @IsEpcisUri()
  parentID?: string;

  @OptionalField()
  @IsUriList({ unique: true })
  childEPCs?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  childQuantityList?: QuantityElementDto[];
}

@StandardOrNamespacedFields('TransactionEvent', [
  ...COMMON_EVENT_FIELDS,
  ...WHERE_WHY_FIELDS,
  'action',
  'parentID',
  'epcList',
  'quantityList',
])
@ObjectRule('transactionEventBizTransaction', (event) =>
  isNonEmptyArray(event.bizTransactionList)
    ? null
    : 'TransactionEvent needs a non-empty bizTransactionList',
)
@ObjectRule('transactionEventWhat', (event) =>
  event.action === 'DELETE' || Array.isArray(event.epcList) || isNonEmptyArray(event.quantityList)
    ? null
    : 'TransactionEvent with action ADD or OBSERVE needs an epcList or a non-empty quantityList',
)
export class TransactionEventDto extends EpcisEventDto {
  declare type: 'TransactionEvent';

  @IsIn(EPCIS_ACTIONS, { message: ACTION_MESSAGE })
  action: EpcisAction;

  @OptionalField()
  @IsEpcisUri()
  parentID?: string;

  @OptionalField()
  @IsUriList({ unique: true })
  epcList?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  quantityList?: QuantityElementDto[];
}

@StandardOrNamespacedFields('TransformationEvent', [
  ...COMMON_EVENT_FIELDS,
  ...WHERE_WHY_FIELDS,
  'inputEPCList',
  'inputQuantityList',
  'outputEPCList',
  'outputQuantityList',
  'transformationID',
  'persistentDisposition',
  'ilmd',
])
@ObjectRule('transformationEventInputsOutputs', (event) => {
  const hasInputs = isNonEmptyArray(event.inputEPCList) || isNonEmptyArray(event.inputQuantityList);
  const hasOutputs =
    isNonEmptyArray(event.outputEPCList) || isNonEmptyArray(event.outputQuantityList);
  // A transformation split over several events links its halves by transformationID.
  if (hasInputs && hasOutputs) return null;
  if ((hasInputs || hasOutputs) && event.transformationID !== undefined) return null;
  return 'TransformationEvent needs inputs (inputEPCList/inputQuantityList) and outputs (outputEPCList/outputQuantityList), or one of them with a transformationID';
})
export class TransformationEventDto extends EpcisEventDto {
  declare type: 'TransformationEvent';

  @OptionalField()
  @IsUriList({ unique: true })
  inputEPCList?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  inputQuantityList?: QuantityElementDto[];

  @OptionalField()
  @IsUriList({ unique: true })
  outputEPCList?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  outputQuantityList?: QuantityElementDto[];

  @OptionalField()
  @IsEpcisUri()
  transformationID?: string;

  @OptionalField()
  @NestedObject(() => PersistentDispositionDto)
  persistentDisposition?: PersistentDispositionDto;

  @OptionalField()
  @IsNamespacedObject()
  ilmd?: Record<string, unknown>;
}

@StandardOrNamespacedFields('AssociationEvent', [
  ...COMMON_EVENT_FIELDS,
  ...WHERE_WHY_FIELDS,
  'action',
  'parentID',
  'childEPCs',
  'childQuantityList',
])
@ObjectRule('associationEventChildren', (event) =>
  event.action === 'DELETE' ||
  isNonEmptyArray(event.childEPCs) ||
  isNonEmptyArray(event.childQuantityList)
    ? null
    : 'AssociationEvent with action ADD or OBSERVE needs a non-empty childEPCs or childQuantityList',
)
export class AssociationEventDto extends EpcisEventDto {
  declare type: 'AssociationEvent';

  @IsIn(EPCIS_ACTIONS, { message: ACTION_MESSAGE })
  action: EpcisAction;

  @IsEpcisUri()
  parentID: string;

  @OptionalField()
  @IsUriList({ unique: true })
  childEPCs?: string[];

  @OptionalField()
  @NestedList(() => QuantityElementDto)
  childQuantityList?: QuantityElementDto[];
}

export type EpcisEventDtoClass =
  | typeof ObjectEventDto
  | typeof AggregationEventDto
  | typeof TransactionEventDto
  | typeof TransformationEventDto
  | typeof AssociationEventDto;

/** The DTO that validates each event `type`. */
export const EPCIS_EVENT_DTOS: Readonly<Record<EpcisEventType, EpcisEventDtoClass>> = {
  ObjectEvent: ObjectEventDto,
  AggregationEvent: AggregationEventDto,
  TransactionEvent: TransactionEventDto,
  TransformationEvent: TransformationEventDto,
  AssociationEvent: AssociationEventDto,
};
