// Pure ledger formats and algorithms: no framework, no database, only node:crypto and node:buffer.
export * from './canonical-json';
export * from './checkpoint';
export * from './compact-range';
export * from './merkle-hash';
export * from './merkle-tree';
export * from './merkle-verify';
export * from './receipt';
export * from './signed-note';
