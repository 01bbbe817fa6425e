export * from './app-config';
export * from './config.module';
export * from './dev-secrets';
export * from './environment';
export * from './patient-keys';
