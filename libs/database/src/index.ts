export * from './database-bootstrap';
export * from './database-options';
export * from './database-roles';
export * from './database.module';
export * from './entities';
export * from './approval-reader';
