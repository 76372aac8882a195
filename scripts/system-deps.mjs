// The system programs the tests need, in one place: the setup script checks them, the Playwright
// config and the runtime tests launch the same Chromium. Each path can be overridden by an
// environment variable (a machine with Chromium elsewhere, or a test pointing at a missing path).

/** Where the tests look for Chromium: `PGC_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(env = process.env) {
  return env.PGC_CHROMIUM || env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Where the tests look for redis-server: `PGC_REDIS_SERVER`, else `/usr/bin/redis-server`. */
export function redisServerPath(env = process.env) {
  return env.PGC_REDIS_SERVER || '/usr/bin/redis-server';
}

/**
 * The system packages the test command needs: the path a test launches, the Debian package that
 * provides it, the path that package installs it at, and the variable that overrides the path.
 */
export function systemDeps(env = process.env) {
  return [
    { name: 'Chromium', path: chromiumPath(env), apt: 'chromium', env: 'PGC_CHROMIUM', aptPath: '/usr/bin/chromium' },
    { name: 'redis-server', path: redisServerPath(env), apt: 'redis-server', env: 'PGC_REDIS_SERVER', aptPath: '/usr/bin/redis-server' },
  ];
}
