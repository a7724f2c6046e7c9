import { Body, Controller, Get, Header, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { Logger } from '@ccx/observability';
import { LOGGER } from '@ccx/service-kit';
import { PresenceHolder } from './presence-holder';

interface PlainResponse {
  status(code: number): PlainResponse;
  type(contentType: string): PlainResponse;
  send(body: string): void;
}

/**
 * Graph's side of presence sync. Graph first checks an endpoint with `?validationToken=...`
 * (answer 200 text/plain with the token, within 10 s), then posts notifications, which must be
 * acknowledged with 202 within 3 s: they are checked and applied after the answer.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 */
@Controller('graph')
export class GraphNotificationsController {
  constructor(
    @Inject(PresenceHolder) private readonly holder: PresenceHolder,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('notifications')
  @HttpCode(202)
  notifications(
    @Query('validationToken') validationToken: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: PlainResponse,
  ): string {
    return this.receive('changes', validationToken, body, res);
  }

  @Post('lifecycle')
  @HttpCode(202)
  lifecycle(
    @Query('validationToken') validationToken: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: PlainResponse,
  ): string {
    return this.receive('lifecycle', validationToken, body, res);
  }

  private receive(
    kind: 'changes' | 'lifecycle',
    validationToken: string | undefined,
    body: unknown,
    res: PlainResponse,
  ): string {
    if (validationToken !== undefined) {
      // Echo the token as plain text (never as HTML: it is attacker-controlled input).
      res.status(200).type('text/plain');
      return validationToken;
    }
    const runtime = this.holder.runtime;
    if (runtime) {
      const work = kind === 'changes' ? runtime.changes(body) : runtime.lifecycle(body);
      this.holder.received(kind, work);
      work.catch((err: unknown) =>
        this.logger.error({ err: String(err), kind }, 'notification handling failed'),
      );
    }
    res.type('text/plain');
    return '';
  }
}

@Controller('presence')
export class PresenceStatusController {
  constructor(@Inject(PresenceHolder) private readonly holder: PresenceHolder) {}

  /** Per tenant: tracked users, subscriptions, users covered by one and users polled. */
  @Get('status')
  @Header('Cache-Control', 'no-store')
  status() {
    const runtime = this.holder.runtime;
    if (!runtime) return { started: false, tenants: [] };
    return {
      started: true,
      tenants: [...runtime.stats()].map(([tenantId, stats]) => ({ tenantId, ...stats })),
    };
  }
}
