export * from './test-app';
export * from './test-environment';
export * from './child-service';
export * from './seeded-random';
