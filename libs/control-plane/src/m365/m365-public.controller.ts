import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { PublicRoute } from '../http/access';
import { M365ConnectionService } from './connection.service';
import { ServiceSignInService } from './service-sign-in.service';
import { UserSignInService } from './user-sign-in.service';

/**
 * Routes the browser (or a Teams tab) reaches without an API key: Entra ID's redirects back to
 * us, and user sign-in. Each checks a server-side `state` or validates an Entra ID token.
 */
@Controller('v1/m365')
export class M365PublicController {
  constructor(
    @Inject(M365ConnectionService) private readonly connections: M365ConnectionService,
    @Inject(ServiceSignInService) private readonly serviceSignIn: ServiceSignInService,
    @Inject(UserSignInService) private readonly users: UserSignInService,
  ) {}

  @Get('consent/callback')
  @PublicRoute()
  consentCallback(@Query() query: unknown) {
    return this.connections.consentCallback(query);
  }

  @Get('service-sign-in/callback')
  @PublicRoute()
  serviceSignInCallback(@Query() query: unknown) {
    return this.serviceSignIn.callback(query);
  }

  @Get('sign-in')
  @PublicRoute()
  signIn(@Query() query: unknown) {
    return this.users.start(query);
  }

  @Get('sign-in/callback')
  @PublicRoute()
  signInCallback(@Query() query: unknown) {
    return this.users.callback(query);
  }

  @Post('teams-sso')
  @HttpCode(200)
  @PublicRoute()
  teamsSso(@Body() body: unknown) {
    return this.users.teamsSso(body);
  }
}
