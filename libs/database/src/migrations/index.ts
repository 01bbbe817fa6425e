import { MasterData1795392000000 } from './1795392000000-master-data';
import { Ledger1795392100000 } from './1795392100000-ledger';
import { Projections1795392200000 } from './1795392200000-projections';
import { CaptureInbox1795392300000 } from './1795392300000-capture-inbox';
import { ImportDeclarations1795392400000 } from './1795392400000-import-declarations';
import { CustodyExceptions1795392500000 } from './1795392500000-custody-exceptions';
import { WarehouseHolds1795392600000 } from './1795392600000-warehouse-holds';
import { Patients1795392700000 } from './1795392700000-patients';
import { Prescriptions1795392800000 } from './1795392800000-prescriptions';
import { AdverseEvents1795392900000 } from './1795392900000-adverse-events';
import { Recalls1795393000000 } from './1795393000000-recalls';
import { EpcisQuery1795393100000 } from './1795393100000-epcis-query';
import { RegulatorReads1795393300000 } from './1795393300000-regulator-reads';
import { ProductSuspensions1795393400000 } from './1795393400000-product-suspensions';
import { TileStorage1795393500000 } from './1795393500000-tile-storage';
import { PendingCaptureIds1795393600000 } from './1795393600000-pending-capture-ids';

/** In order; each migration is reviewed SQL. */
export const MIGRATIONS = [
  MasterData1795392000000,
  Ledger1795392100000,
  Projections1795392200000,
  CaptureInbox1795392300000,
  ImportDeclarations1795392400000,
  CustodyExceptions1795392500000,
  WarehouseHolds1795392600000,
  Patients1795392700000,
  Prescriptions1795392800000,
  AdverseEvents1795392900000,
  Recalls1795393000000,
  EpcisQuery1795393100000,
  RegulatorReads1795393300000,
  ProductSuspensions1795393400000,
  TileStorage1795393500000,
  PendingCaptureIds1795393600000,
];
