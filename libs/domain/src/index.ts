export * from './error-codes';
export * from './organisation-roles';
export * from './approval-terms';
