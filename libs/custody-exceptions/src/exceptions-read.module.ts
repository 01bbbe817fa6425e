import { Module } from '@nestjs/common';
import { CustodyExceptionsService } from './custody-exceptions.service';
import { ExceptionListController } from './exceptions.controller';

/** GET /v1/exceptions without the resolve action: oversight reads them, owners resolve them. */
@Module({
  controllers: [ExceptionListController],
  providers: [CustodyExceptionsService],
  exports: [CustodyExceptionsService],
})
export class ExceptionsReadModule {}
