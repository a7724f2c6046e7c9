import { z } from 'zod';
import { commonConfigShape, loadConfig, port } from '@ccx/config';

const ip = z.union([z.ipv4(), z.ipv6()]);

export const mediaWorkerConfigSchema = z
  .object({
    ...commonConfigShape,
    MEDIA_HTTP_PORT: port.default(3020),
    MEDIA_HTTP_HOST: z.string().default('127.0.0.1'),
    /** Address the RTP/RTCP sockets bind to. */
    MEDIA_RTP_BIND: ip.default('127.0.0.1'),
    /** Address written into our SDP (a public or NAT address); defaults to MEDIA_RTP_BIND. */
    MEDIA_RTP_ADVERTISE: ip.optional(),
    MEDIA_PORT_MIN: port.default(30000),
    MEDIA_PORT_MAX: port.default(39999),
    /** Sessions accepted at most (default: what the port range holds, 4 ports per session). */
    MEDIA_MAX_SESSIONS: z.coerce.number().int().positive().optional(),
    /** A session that sees no media on either leg for this long is reaped and reported. */
    MEDIA_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    MEDIA_PROMPT_DIR: z.string().default('prompts'),
    MEDIA_RECORDING_DIR: z.string().default('.data/recordings'),
    /** Socket I/O: `batch` (native recvmmsg addon, IPv4, Linux), `dgram` (node:dgram), or `auto`. */
    MEDIA_IO: z.enum(['auto', 'batch', 'dgram']).default('auto'),
    MEDIA_STATUS_INTERVAL_MS: z.coerce.number().int().positive().default(2_000),
  })
  .refine((c) => c.MEDIA_PORT_MIN + 3 <= c.MEDIA_PORT_MAX, {
    message: 'MEDIA_PORT_MIN..MEDIA_PORT_MAX must hold at least 4 ports',
    path: ['MEDIA_PORT_MAX'],
  });
export type MediaWorkerConfig = z.output<typeof mediaWorkerConfigSchema>;
export const loadMediaWorkerConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(mediaWorkerConfigSchema, env);
