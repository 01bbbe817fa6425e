// Entry point for the TypeORM CLI (`npx typeorm -d dist/libs/database/src/data-source.js`).
import { loadAppConfig } from '@trace/config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database-options';

export default new DataSource(buildDataSourceOptions(loadAppConfig().database, 'owner'));
