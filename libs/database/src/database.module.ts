import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '@trace/config';
import { buildDataSourceOptions } from './database-options';

/** TypeORM connected as the service login; every app imports this once. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: AppConfig) => ({
        ...buildDataSourceOptions(cfg.database, 'app'),
        // Keep retrying at start: the database may come up after the service (compose).
        retryAttempts: 30,
        retryDelay: 1000,
      }),
    }),
  ],
})
export class DatabaseModule {}
