// The Lua scripts. Each touches only one book's keys (declared in KEYS, all with the book's hash
// tag) and runs atomically: a commit checks the expected head and appends in one step, so two
// processes can never both commit on the same version.

/**
 * Commit a batch of operations, all or none. KEYS: head, ops. ARGV: expected version, expected
 * head op id, deadline (Unix ms), then for each operation in order: op id, op JSON, decision kind
 * ('' for non-checks).
 *
 * The batch was decided as a chain on the caller's replica (each operation on the state the ones
 * before it left), so it is valid only on exactly the head the chain starts from: the script
 * checks that head once and appends the operations at versions expected + 1, + 2, …. A conflict
 * therefore fails the first operation and everything after it, and nothing of the batch is written.
 *
 * Replies `{'OK', first version}`, `{'CONFLICT', version, id, missed ops…}` (the entries after the
 * expected version, at most 256: the caller catches up from them, or reads the rest), `{'EXPIRED'}`
 * when Redis runs it after the caller's deadline (a command that waited in a socket while Redis was
 * frozen must not commit an order whose caller was already told DENY), or `{'NOBOOK'}`.
 */
export const COMMIT_SCRIPT = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[3]) then return {'EXPIRED'} end
local h = redis.call('HMGET', KEYS[1], 'v', 'id')
if not h[1] then return {'NOBOOK'} end
if h[1] ~= ARGV[1] or h[2] ~= ARGV[2] then
  local missed = redis.call('XRANGE', KEYS[2], (tonumber(ARGV[1]) + 1) .. '-0', '+', 'COUNT', 256)
  return {'CONFLICT', h[1], h[2], missed}
end
local first = tonumber(h[1]) + 1
local v = first - 1
local id = h[2]
for i = 4, #ARGV, 3 do
  v = v + 1
  id = ARGV[i]
  redis.call('XADD', KEYS[2], v .. '-0', 'id', id, 'op', ARGV[i + 1], 'd', ARGV[i + 2])
end
redis.call('HSET', KEYS[1], 'v', v, 'id', id)
return {'OK', first}
`;

/**
 * Create a book unless it exists. KEYS: head, snap. ARGV: policy hash, snapshot JSON (version 0).
 * Replies `{version, head id, policy hash}` of the book as it now is.
 */
export const INIT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'v', 0, 'id', 'genesis', 'policy', ARGV[1])
  redis.call('HSET', KEYS[2], 'v', 0, 'json', ARGV[2])
end
local h = redis.call('HMGET', KEYS[1], 'v', 'id', 'policy')
return h
`;

/**
 * Save a snapshot taken at a committed version, if newer than the saved one, and trim the stream
 * below it. KEYS: head, snap, ops. ARGV: version, op id at that version, snapshot JSON, how many
 * operations to keep below the snapshot (-1: keep all).
 *
 * The op id is checked against the stream entry: a snapshot is saved only if it describes the
 * committed history (a process whose view diverged after a store crash cannot overwrite it).
 * Replies 1 when saved, 0 when not.
 */
export const SAVE_SNAPSHOT_SCRIPT = `
local v = tonumber(ARGV[1])
local saved = tonumber(redis.call('HGET', KEYS[2], 'v') or '-1')
if v <= saved then return 0 end
local e = redis.call('XRANGE', KEYS[3], v .. '-0', v .. '-0')
if #e == 0 or e[1][2][2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], 'v', v, 'json', ARGV[3])
local keep = tonumber(ARGV[4])
if keep >= 0 and v - keep > 1 then redis.call('XTRIM', KEYS[3], 'MINID', (v - keep) .. '-0') end
return 1
`;
