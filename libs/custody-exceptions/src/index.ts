export * from './exception-filter';
export * from './custody-exceptions.service';
export * from './exceptions.controller';
export * from './exceptions-read.module';
