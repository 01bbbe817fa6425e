import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@trace/auth';
import { IsString, Length } from 'class-validator';
import { VerificationService } from './verification.service';

export class VerifyQuery {
  @ApiProperty({ description: 'The scan: GS1 data, Digital Link or Chinese code' })
  @IsString()
  @Length(1, 3200)
  code!: string;
}

@ApiTags('verification')
@ApiBearerAuth()
@Controller('v1/verify')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  @Get()
  @Roles('pharmacist', 'clinician')
  @ApiOperation({ summary: "A pack's status and every check, without changing anything" })
  verify(@Query() q: VerifyQuery, @CurrentPrincipal() principal: Principal) {
    return this.verification.verify(q.code, principal);
  }
}
