import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalEntity, LocationEntity, OrganisationEntity, ProductEntity } from '@trace/database';
import { MasterDataController } from './master-data.controller';
import { MasterDataService } from './master-data.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([OrganisationEntity, LocationEntity, ProductEntity, ApprovalEntity]),
  ],
  controllers: [MasterDataController],
  providers: [MasterDataService],
  exports: [MasterDataService],
})
export class MasterDataModule {}
