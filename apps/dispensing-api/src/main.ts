import { runHttpService } from '@trace/platform';
import { DISPENSING_API_HTTP } from './http-options';
import { DispensingApiModule } from './dispensing-api.module';

runHttpService('dispensing-api', DispensingApiModule, DISPENSING_API_HTTP);
