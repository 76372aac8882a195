#!/usr/bin/env node
// Run first by `npm test`: makes sure the system programs the tests launch are there, before any
// test runs. Missing ones are installed with apt-get when this process may (root, apt-get present,
// PGC_NO_INSTALL unset); otherwise it stops at once, exit 1, naming the one command that installs
// them. Paths come from scripts/system-deps.mjs (PGC_CHROMIUM, PGC_REDIS_SERVER override them).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { systemDeps } from './system-deps.mjs';

const log = (line) => process.stderr.write(`setup: ${line}\n`);

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missing = () => systemDeps().filter((dep) => !executable(dep.path));

let todo = missing();
if (todo.length === 0) process.exit(0);

const root = process.getuid?.() === 0;
const packages = [...new Set(todo.map((dep) => dep.apt))];
const sudo = root ? '' : 'sudo ';
const command = `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
for (const dep of todo) {
  const where = dep.path === dep.aptPath ? '' : ` (set by ${dep.env}; the package installs it at ${dep.aptPath})`;
  log(`${dep.name} not found at ${dep.path}${where}`);
}

// Installing helps only when the missing path is where the package puts the program.
const mayInstall = !process.env.PGC_NO_INSTALL && root && onPath('apt-get') && todo.every((dep) => dep.path === dep.aptPath);
if (mayInstall) {
  log(`installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...packages],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (run.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${run.status}); run it yourself:\n\n    ${command}\n`);
      process.exit(1);
    }
  }
  todo = missing();
  if (todo.length === 0) process.exit(0);
  for (const dep of todo) log(`${dep.name} still not found at ${dep.path} after the install`);
  process.exit(1);
}

log(`the tests need ${todo.length === 1 ? 'it' : 'them'}; install with:\n\n    ${command}\n`);
process.exit(1);
