#!/usr/bin/env node
// npm links this launcher as `policygate-eval`. It is committed (not built) so that `npm ci` on a fresh
// clone can link it before the build: npm skips bins whose file does not exist yet.
//
// The CLI itself is dist/bin/policygate-eval.cjs, one CommonJS script. It is compiled here with the
// V8 code cache that the build made by running it once (scripts/code-cache.mjs), so a one-shot run
// skips most of compiling ~0.5 MB of JavaScript (bench/cli-start.mjs). The cache is used only when
// its first 4 bytes equal a checksum of the script's text (V8 itself checks only the length, and
// its own version and flags); otherwise, e.g. under another Node version, V8 rejects it and the
// script is compiled as usual. Same behaviour either way, only the start-up time differs.
//
// A CommonJS file itself: an ES module launcher would start Node's ES module loader first, which
// cost as much as the cache saves.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '../dist/bin/policygate-eval.cjs');
const cacheFile = join(__dirname, '../dist/bin/policygate-eval.cache');
let bytes;
try {
  bytes = readFileSync(file);
} catch (e) {
  if (e?.code !== 'ENOENT') throw e;
  process.stderr.write('policygate-eval: policygate-capital is not built yet; run `npm run build` first\n');
  process.exit(2);
}
// A checksum of every byte, a 32-bit word at a time (a change of any one word changes it): cheap
// next to compiling, and catches a script rebuilt or edited after its cache was made.
const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteOffset % 4 === 0 ? bytes.length >> 2 : 0);
let checksum = 0x811c9dc5 ^ bytes.length;
for (let i = 0; i < words.length; i++) checksum = Math.imul(checksum ^ words[i], 0x01000193);
for (let i = words.length * 4; i < bytes.length; i++) checksum = Math.imul(checksum ^ bytes[i], 0x01000193);
checksum >>>= 0;
const source = bytes.toString('utf8');
// The build sets POLICYGATE_WRITE_CODE_CACHE=1 to make the cache (scripts/code-cache.mjs).
const writing = process.env.POLICYGATE_WRITE_CODE_CACHE === '1';
let cachedData;
if (!writing) {
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > 4 && cache.readUInt32LE(0) === checksum) cachedData = cache.subarray(4);
  } catch {
    // no cache: compile as usual
  }
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData && { cachedData }) });
const cli = { exports: {} };
script.runInThisContext().call(cli.exports, cli.exports, require, cli, file, join(__dirname, '../dist/bin'));
if (writing) {
  process.on('exit', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(checksum);
    writeFileSync(cacheFile, Buffer.concat([header, script.createCachedData()]));
  });
}
