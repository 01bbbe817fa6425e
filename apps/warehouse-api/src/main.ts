import { runHttpService } from '@trace/platform';
import { WAREHOUSE_API_HTTP } from './http-options';
import { WarehouseApiModule } from './warehouse-api.module';

runHttpService('warehouse-api', WarehouseApiModule, WAREHOUSE_API_HTTP);
