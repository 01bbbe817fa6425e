export * from './clock';
export * from './bootstrap';
export * from './platform.module';
