import type { Redis } from 'ioredis';
import { LUA_ACCEPT } from './lua-accept';
import { LUA_ACTIVE } from './lua-active';
import { LUA_CLOSE_OFFER } from './lua-close-offer';
import { LUA_RELEASE } from './lua-release';
import { LUA_RESERVE } from './lua-reserve';
import { LUA_SET_AGENT, LUA_SET_PRESENCE } from './lua-set-agent';
import { LUA_SWEEP } from './lua-sweep';

type Script = (base: string, ...args: (string | number)[]) => Promise<string>;
export type ScriptName =
  | 'ccxResSetAgent'
  | 'ccxResSetPresence'
  | 'ccxResReserve'
  | 'ccxResAccept'
  | 'ccxResClose'
  | 'ccxResRelease'
  | 'ccxResSweep'
  | 'ccxResActive';
export type ScriptedRedis = Redis & Record<ScriptName, Script>;

const SCRIPTS: Record<ScriptName, string> = {
  ccxResSetAgent: LUA_SET_AGENT,
  ccxResSetPresence: LUA_SET_PRESENCE,
  ccxResReserve: LUA_RESERVE,
  ccxResAccept: LUA_ACCEPT,
  ccxResClose: LUA_CLOSE_OFFER,
  ccxResRelease: LUA_RELEASE,
  ccxResSweep: LUA_SWEEP,
  ccxResActive: LUA_ACTIVE,
};

/** Registers the scripts once per client (sent by EVALSHA, loaded on first NOSCRIPT). */
export function scripted(redis: Redis): ScriptedRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return redis as ScriptedRedis;
}
