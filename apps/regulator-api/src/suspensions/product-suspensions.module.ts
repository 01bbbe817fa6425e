import { Module } from '@nestjs/common';
import { ProductSuspensionsController } from './product-suspensions.controller';
import { ProductSuspensionService } from './product-suspension.service';

@Module({
  controllers: [ProductSuspensionsController],
  providers: [ProductSuspensionService],
})
export class ProductSuspensionsModule {}
