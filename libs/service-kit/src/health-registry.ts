import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<Record<string, unknown> | void>;

/**
 * Modules register the real dependencies they need (Redis, database, bus workers, SIP
 * transports, media ports); `/health` runs every check with a timeout.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, HealthCheck][] {
    return [...this.checks.entries()];
  }
}
