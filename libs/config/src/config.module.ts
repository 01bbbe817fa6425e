import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app-config';
import { validateEnvironment } from './environment';

/**
 * Loads and validates configuration once per process. A bad setting throws during module
 * initialisation, before any port is opened or connection made.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      envFilePath: ['.env'],
      validate: (env) => {
        validateEnvironment(env);
        return env;
      },
      load: [appConfig],
    }),
  ],
  exports: [ConfigModule],
})
export class TraceConfigModule {}
