export * from './error-codes';
export * from './organisation-roles';
export * from './master-data-rules';
export * from './expiry';
export * from './licence-rules';
export * from './unit-actions';
export * from './unit-state';
export * from './unit-state-machine';
