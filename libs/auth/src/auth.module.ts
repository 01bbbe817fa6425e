import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { OrganisationDirectory } from './organisation-directory';
import { TokenService } from './token.service';

@Global()
@Module({
  providers: [TokenService, OrganisationDirectory, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, OrganisationDirectory],
})
export class AuthModule {}
