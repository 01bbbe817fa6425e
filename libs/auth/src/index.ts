export * from './auth.guard';
export * from './auth.module';
export * from './decorators';
export * from './organisation-directory';
export * from './organisation-scope';
export * from './principal';
export * from './token.service';
