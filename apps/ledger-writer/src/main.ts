import { runHttpService } from '@trace/platform';
import { LEDGER_WRITER_HTTP } from './http-options';
import { LedgerWriterModule } from './ledger-writer.module';

runHttpService('ledger-writer', LedgerWriterModule, LEDGER_WRITER_HTTP);
