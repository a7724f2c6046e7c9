import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { erlangCFigure } from '../routing/erlang-c';
import { NoTransaction, TenantRoute } from './access';

/** The Erlang C staffing calculator: forecast volume, AHT and a target → agents needed. */
@Controller('v1/erlang-c')
export class ErlangCController {
  /** Pure maths: no database, so no transaction either. */
  @Post()
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:read')
  compute(@Body() body: unknown) {
    return erlangCFigure(body);
  }
}
