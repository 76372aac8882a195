// Types of system-deps.mjs, for the TypeScript tests and the Playwright config that import it.

/** Where the tests look for Chromium: `PGC_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(env?: Record<string, string | undefined>): string;
/** Where the tests look for redis-server: `PGC_REDIS_SERVER`, else `/usr/bin/redis-server`. */
export function redisServerPath(env?: Record<string, string | undefined>): string;
/** One system program the tests need. */
export interface SystemDep {
  name: string;
  path: string;
  apt: string;
  env: string;
  aptPath: string;
}
/** The system programs the test command needs. */
export function systemDeps(env?: Record<string, string | undefined>): SystemDep[];
