import { MasterData1795392000000 } from './1795392000000-master-data';

/** In order; each migration is reviewed SQL. */
export const MIGRATIONS = [MasterData1795392000000];
