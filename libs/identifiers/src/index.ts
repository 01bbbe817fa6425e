export * from './check-digit';
