import { readFileSync } from 'node:fs';
import { ConfigError } from '@ccx/config';
import type { M365Options } from '@ccx/control-plane';
import type { ApiConfig } from './config';

/** The control plane's Microsoft 365 options from M365_*; reads the extra CA file once, at boot. */
export function m365Options(config: ApiConfig): M365Options {
  let extraCaPem: string | undefined;
  if (config.M365_EXTRA_CA_FILE) {
    try {
      extraCaPem = readFileSync(config.M365_EXTRA_CA_FILE, 'utf8');
    } catch (e) {
      throw new ConfigError([
        `M365_EXTRA_CA_FILE: cannot read ${config.M365_EXTRA_CA_FILE} (${(e as Error).message})`,
      ]);
    }
  }
  return {
    authority: config.M365_AUTHORITY,
    apiAudiences: config.M365_API_AUDIENCES,
    ...(extraCaPem ? { extraCaPem } : {}),
    ...(config.M365_REDIRECT_BASE_URL ? { redirectBaseUrl: config.M365_REDIRECT_BASE_URL } : {}),
  };
}
