export * from './cbv-vocabulary';
export * from './json-ld-context';
export * from './epcis-constraints';
export * from './epcis-event-parts.dto';
export * from './epcis-events.dto';
export * from './epcis-document.dto';
export * from './validate-epcis-document';
