export * from './configure-http-app';
export * from './http-platform.module';
export * from './problem';
export * from './problem-details.filter';
export * from './validation';
export * from './gtin.validator';
export * from './paging';
export * from './instant.validator';
