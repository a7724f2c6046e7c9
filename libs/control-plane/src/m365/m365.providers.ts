import { Inject, Injectable, type OnModuleDestroy, type Provider } from '@nestjs/common';
import {
  DEFAULT_AUTHORITY,
  DelegatedGraphTokens,
  EntraTokenValidator,
  M365Clients,
  tenantOfEntraTenant,
} from '@ccx/auth';
import type { DatabaseHandle } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import { DATABASE, SECRET_BOX } from '../http/tokens';
import { UnitOfWork } from '../persistence/unit-of-work';
import { AuthRequests } from './auth-requests';
import { M365ConnectionService } from './connection.service';
import { M365ConnectionController } from './m365.controller';
import { M365PublicController } from './m365-public.controller';
import { ENTRA_VALIDATOR, M365_CLIENTS, M365_OPTIONS, type M365Options } from './m365.options';
import { ServiceSignInService } from './service-sign-in.service';
import { UserSignInService } from './user-sign-in.service';

/** Closes the HTTPS agent to Entra ID on shutdown. */
@Injectable()
export class M365Lifecycle implements OnModuleDestroy {
  constructor(@Inject(M365_CLIENTS) private readonly clients: M365Clients) {}

  async onModuleDestroy(): Promise<void> {
    await this.clients.close();
  }
}

export const m365Controllers = [M365ConnectionController, M365PublicController];

export function m365Providers(given: M365Options | undefined): Provider[] {
  const options: M365Options = given ?? { authority: DEFAULT_AUTHORITY, apiAudiences: [] };
  return [
    { provide: M365_OPTIONS, useValue: options },
    {
      provide: M365_CLIENTS,
      useFactory: () =>
        new M365Clients({
          authority: options.authority,
          ...(options.extraCaPem ? { extraCaPem: options.extraCaPem } : {}),
        }),
    },
    M365Lifecycle,
    {
      provide: ENTRA_VALIDATOR,
      inject: [DATABASE, M365_CLIENTS],
      useFactory: (handle: DatabaseHandle, clients: M365Clients) =>
        options.apiAudiences.length === 0
          ? null
          : new EntraTokenValidator({
              jwks: clients.jwks(),
              authority: clients.authority,
              audiences: options.apiAudiences,
              resolveTenant: (tid) => tenantOfEntraTenant(handle.db, tid),
            }),
    },
    {
      provide: AuthRequests,
      inject: [UnitOfWork, SECRET_BOX],
      useFactory: (uow: UnitOfWork, box: SecretBox) => new AuthRequests(uow, box),
    },
    {
      provide: M365ConnectionService,
      inject: [UnitOfWork, SECRET_BOX, M365_CLIENTS, AuthRequests, ENTRA_VALIDATOR],
      useFactory: (
        uow: UnitOfWork,
        box: SecretBox,
        clients: M365Clients,
        requests: AuthRequests,
        validator: EntraTokenValidator | null,
      ) => new M365ConnectionService(uow, box, clients, requests, options, validator),
    },
    {
      provide: ServiceSignInService,
      inject: [UnitOfWork, SECRET_BOX, M365_CLIENTS, AuthRequests, M365ConnectionService],
      useFactory: (
        uow: UnitOfWork,
        box: SecretBox,
        clients: M365Clients,
        requests: AuthRequests,
        connections: M365ConnectionService,
      ) => new ServiceSignInService(uow, box, clients, requests, connections),
    },
    {
      provide: UserSignInService,
      inject: [
        DATABASE,
        UnitOfWork,
        SECRET_BOX,
        M365_CLIENTS,
        AuthRequests,
        M365ConnectionService,
        ENTRA_VALIDATOR,
      ],
      useFactory: (
        handle: DatabaseHandle,
        uow: UnitOfWork,
        box: SecretBox,
        clients: M365Clients,
        requests: AuthRequests,
        connections: M365ConnectionService,
        validator: EntraTokenValidator | null,
      ) =>
        new UserSignInService(
          handle.db,
          uow,
          box,
          clients,
          requests,
          connections,
          options,
          validator,
        ),
    },
    {
      provide: DelegatedGraphTokens,
      inject: [DATABASE, SECRET_BOX, M365_CLIENTS],
      useFactory: (handle: DatabaseHandle, box: SecretBox, clients: M365Clients) =>
        new DelegatedGraphTokens(handle.db, box, clients),
    },
  ];
}
