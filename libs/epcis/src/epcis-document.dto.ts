import { IsArray, IsDefined, IsIn, IsString } from 'class-validator';
import {
  Check,
  IsDateTimeWithOffset,
  IsEpcisUri,
  NestedObject,
  OptionalField,
  StandardOrNamespacedFields,
} from './epcis-constraints';
import { documentContextProblem } from './json-ld-context';

/**
 * The EPCISDocument envelope. Events are checked one by one against the DTO of their `type`
 * (see validateEpcisDocument): class-transformer's discriminator cannot dispatch safely on
 * arbitrary input (it reads `type` of null items and falls back silently on unknown types).
 */

@StandardOrNamespacedFields('epcisMasterData', ['vocabularyList'])
export class EpcisMasterDataDto {
  @OptionalField()
  @IsArray()
  @Check('vocabularyListItems', (value, name) =>
    Array.isArray(value) &&
    value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))
      ? `${name} must contain vocabulary objects`
      : null,
  )
  vocabularyList?: Record<string, unknown>[];
}

@StandardOrNamespacedFields('epcisHeader', ['epcisMasterData'])
export class EpcisHeaderDto {
  @OptionalField()
  @NestedObject(() => EpcisMasterDataDto)
  epcisMasterData?: EpcisMasterDataDto;
}

@StandardOrNamespacedFields('epcisBody', ['eventList'])
export class EpcisBodyDto {
  /** Each item is validated against its event type's DTO, not here. */
  @IsDefined({ message: 'eventList is required' })
  @IsArray({ message: 'eventList must be an array of events' })
  eventList: Record<string, unknown>[];
}

@StandardOrNamespacedFields('EPCISDocument', [
  '@context',
  'id',
  'type',
  'schemaVersion',
  'creationDate',
  'instanceIdentifier',
  'sender',
  'receiver',
  'epcisHeader',
  'epcisBody',
])
export class EpcisDocumentDto {
  @Check('isEpcisDocumentContext', (value) => documentContextProblem(value))
  '@context': unknown;

  @OptionalField()
  @IsEpcisUri()
  id?: string;

  @IsIn(['EPCISDocument'], { message: 'type must be "EPCISDocument"' })
  type: 'EPCISDocument';

  @IsIn(['2.0'], { message: 'schemaVersion must be "2.0"' })
  schemaVersion: '2.0';

  @IsDateTimeWithOffset()
  creationDate: string;

  @OptionalField()
  @IsString()
  instanceIdentifier?: string;

  @OptionalField()
  @IsString()
  sender?: string;

  @OptionalField()
  @IsString()
  receiver?: string;

  @OptionalField()
  @NestedObject(() => EpcisHeaderDto)
  epcisHeader?: EpcisHeaderDto;

  @IsDefined({ message: 'epcisBody is required' })
  @NestedObject(() => EpcisBodyDto)
  epcisBody: EpcisBodyDto;
}
