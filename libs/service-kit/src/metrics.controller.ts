import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Registry } from '@ccx/observability';
import { METRICS } from './tokens';

@Controller()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
