// Where the SBC's settings come from: a YAML file (`sbc --config`, reloaded on SIGHUP) or the
// control-plane API's live projection in Redis (docs/live-config.md), re-read every second and
// applied when it changed. A bad new version is logged and the running one kept.
import { readFileSync } from 'node:fs';
import type { LiveConfig, LiveResource, LiveRow } from '@ccx/live-config';
import type { Logger } from '@ccx/observability';
import {
  loadSettingsYaml,
  settingsFromLive,
  validateSettings,
  type LiveRows,
  type SbcBaseSettings,
  type SbcSettings,
} from '@ccx/sbc-policy';

export interface SettingsSource {
  load(): Promise<SbcSettings>;
  /** Calls `apply` with each new valid version until `stop()`. */
  watch(apply: (settings: SbcSettings) => void): void;
  stop(): void;
}

export class FileSettings implements SettingsSource {
  private onHup?: () => void;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  private read(): SbcSettings {
    const result = loadSettingsYaml(readFileSync(this.file, 'utf8'), this.file);
    if (!result.ok) throw new Error(`invalid SBC settings:\n  ${result.errors.join('\n  ')}`);
    return result.settings;
  }

  async load(): Promise<SbcSettings> {
    return this.read();
  }

  watch(apply: (settings: SbcSettings) => void): void {
    this.onHup = () => {
      try {
        apply(this.read());
        this.log.info({ file: this.file }, 'SBC settings reloaded');
      } catch (err) {
        this.log.error(
          { file: this.file, err: String(err) },
          'SBC settings not reloaded; keeping the running ones',
        );
      }
    };
    process.on('SIGHUP', this.onHup);
  }

  stop(): void {
    if (this.onHup) process.off('SIGHUP', this.onHup);
  }
}

/** The live projection as LiveConfig (libs/live-config) reads it. */
export type LiveReader = Pick<LiveConfig, 'tenantIds' | 'list'>;

export class LiveSettings implements SettingsSource {
  private timer?: NodeJS.Timeout;
  private last = '';

  constructor(
    private readonly live: LiveReader,
    private readonly base: SbcBaseSettings,
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  private async rows(): Promise<LiveRows> {
    const tenantIds = await this.live.tenantIds();
    const all = async (resource: LiveResource): Promise<LiveRow[]> =>
      (await Promise.all(tenantIds.map((t) => this.live.list(t, resource)))).flat();
    // Rows are the API's JSON; settingsFromLive and validateSettings check them.
    return {
      tenants: (await all('tenant')) as unknown as LiveRows['tenants'],
      sites: (await all('site')) as unknown as LiveRows['sites'],
      trunks: (await all('trunk')) as unknown as LiveRows['trunks'],
      numberRanges: (await all('number-range')) as unknown as LiveRows['numberRanges'],
    };
  }

  /**
   * The API checks each row alone; what only shows across rows (a subdomain without a base domain,
   * overlapping ranges) must not take every tenant down: tenants whose settings fail are left out
   * (and logged), the others run.
   */
  private async build(): Promise<{ text: string; settings?: SbcSettings; errors?: string[] }> {
    const input = settingsFromLive(await this.rows(), this.base);
    const text = JSON.stringify(input);
    if (text === this.last) return { text };
    const result = validateSettings(input);
    if (result.ok) return { text, settings: result.settings };
    const kept = (input.tenants ?? []).filter((tenant) => {
      const alone = validateSettings({ ...input, tenants: [tenant] });
      if (!alone.ok)
        this.log.error(
          { tenantId: tenant.id, errors: alone.errors },
          'tenant left out of the SBC settings',
        );
      return alone.ok;
    });
    const retry = validateSettings({ ...input, tenants: kept });
    return retry.ok ? { text, settings: retry.settings } : { text, errors: retry.errors };
  }

  async load(): Promise<SbcSettings> {
    const built = await this.build();
    if (built.errors) throw new Error(`invalid live SBC settings:\n  ${built.errors.join('\n  ')}`);
    this.last = built.text;
    return built.settings!;
  }

  watch(apply: (settings: SbcSettings) => void): void {
    const tick = async () => {
      try {
        const built = await this.build();
        if (built.text === this.last) return;
        this.last = built.text;
        if (built.settings) {
          apply(built.settings);
          this.log.info({}, 'SBC settings updated from the live configuration');
        } else
          this.log.error(
            { errors: built.errors },
            'live SBC settings invalid; keeping the running ones',
          );
      } catch (err) {
        this.log.warn({ err: String(err) }, 'live SBC settings not read');
      }
    };
    this.timer = setInterval(() => void tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
