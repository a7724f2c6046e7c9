import { z } from 'zod';
import { ConfigError, bool, commonConfigShape, loadConfig, port, secret } from '@ccx/config';

/** `udp:127.0.0.1:5060,tls:0.0.0.0:5061@sbc.example.com` → listen specs (advertised host after @). */
const listenSpecs = z
  .string()
  .min(1)
  .transform((text, ctx) => {
    const specs = [];
    for (const item of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m =
        /^(udp|tcp|tls):(\[[0-9a-fA-F:.]+\]|[0-9.]+):([0-9]{1,5})(?:@([A-Za-z0-9.:[\]-]+))?$/.exec(
          item,
        );
      if (!m) {
        ctx.addIssue({
          code: 'custom',
          message: `"${item}" is not <udp|tcp|tls>:<ip>:<port>[@advertised-host]`,
        });
        return z.NEVER;
      }
      const [, protocol, host = '', p, advertise] = m;
      specs.push({
        protocol: protocol as 'udp' | 'tcp' | 'tls',
        host: host.replace(/^\[|\]$/g, ''),
        port: Number(p),
        ...(advertise ? { advertise } : {}),
      });
    }
    return specs;
  });

export const sbcConfigSchema = z.object({
  ...commonConfigShape,
  SBC_HTTP_PORT: port.default(3010),
  SBC_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Read-only: the configuration this service runs with (see docs/live-config.md). Unused with SBC_CONFIG_FILE. */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL').optional(),
  /** SIP listeners (docs/sbc.md). */
  SBC_SIP_LISTEN: listenSpecs.default([{ protocol: 'udp', host: '127.0.0.1', port: 5060 }]),
  /** PEM files: our certificate (the carrier's wildcard), its key, and the CAs we trust for peers. */
  SBC_TLS_CERT: z.string().optional(),
  SBC_TLS_KEY: z.string().optional(),
  SBC_TLS_CA: z.string().optional(),
  /** Run from this YAML file instead of the control-plane API's live configuration (`sbc --config`). */
  SBC_CONFIG_FILE: z.string().optional(),
  /** Live configuration: the carrier base domain of tenants' Teams subdomains. */
  SBC_TEAMS_BASE_DOMAIN: z.string().optional(),
  /** `bus`: media workers over the bus (default); `embedded`: a media engine in this process. */
  SBC_MEDIA: z.enum(['bus', 'embedded']).default('bus'),
  /** Embedded media: RTP bind/advertised address and port range. */
  SBC_RTP_BIND: z.string().default('127.0.0.1'),
  SBC_RTP_PORT_MIN: port.default(40000),
  SBC_RTP_PORT_MAX: port.default(49999),
  /** Embedded media: where `sbc.play` finds prompts and `sbc.record` writes recordings. */
  SBC_PROMPT_DIR: z.string().default('.data/prompts'),
  SBC_RECORDING_DIR: z.string().default('.data/recordings'),
  /** Wait for a media command reply (offer/answer/delete) before failing the call. */
  SBC_MEDIA_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  /**
   * How long a call to a queue number is held with no command from routing before the SBC gives
   * up (480, or BYE cause 19 once answered). Callers wait in queues this long at most, so it must
   * exceed the queues' maxWaitSeconds; it only matters when routing is not running.
   */
  SBC_ROUTING_HOLD_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3_600),
  /** Publish call events on the bus (turn off only for benchmarks of signalling alone). */
  SBC_EVENTS: bool.default(true),
});
export type SbcConfig = z.output<typeof sbcConfigSchema>;

/** `sbc --config file.yaml` is SBC_CONFIG_FILE=file.yaml. */
export function loadSbcConfig(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = [],
) {
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  const file =
    at < 0 ? undefined : argv[at]?.includes('=') ? argv[at]?.split('=')[1] : argv[at + 1];
  const config = loadConfig(sbcConfigSchema, file ? { ...env, SBC_CONFIG_FILE: file } : env);
  const issues: string[] = [];
  if (!config.SBC_CONFIG_FILE && !config.DATABASE_URL) {
    issues.push('DATABASE_URL: required unless SBC_CONFIG_FILE (--config) is given');
  }
  if (
    config.SBC_SIP_LISTEN.some((l) => l.protocol === 'tls') &&
    (!config.SBC_TLS_CERT || !config.SBC_TLS_KEY)
  ) {
    issues.push('SBC_TLS_CERT, SBC_TLS_KEY: a tls listener in SBC_SIP_LISTEN needs both');
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
