import { runHttpService } from '@trace/platform';
import { INGEST_API_HTTP } from './http-options';
import { IngestApiModule } from './ingest-api.module';

runHttpService('ingest-api', IngestApiModule, INGEST_API_HTTP);
