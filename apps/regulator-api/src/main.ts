import { runHttpService } from '@trace/platform';
import { REGULATOR_API_HTTP } from './http-options';
import { RegulatorApiModule } from './regulator-api.module';

runHttpService('regulator-api', RegulatorApiModule, REGULATOR_API_HTTP);
