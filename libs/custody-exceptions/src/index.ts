export * from './custody-exceptions.service';
export * from './exceptions.controller';
