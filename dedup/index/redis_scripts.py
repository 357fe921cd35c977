"""The Lua scripts of the Redis back end (`dedup.index.redis`, where the keys are described).
Redis runs each script atomically: a batch of documents, a removal or a query's reads."""

from __future__ import annotations

CREATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return redis.call('HGETALL', KEYS[1])
"""

# Lua: add (delta 1) or withdraw (delta -1) the cross-lingual data of document hash dk (its
# anchor buckets and the document frequencies of its distinct features); nothing without it
XL_COUNT = """
local function xl_count(p, id, dk, delta)
  local v = redis.call('HMGET', dk, 'xa', 'xk', 'lang')
  local xa, xk, lang = v[1], v[2] or '', v[3]
  if not xa then return end
  local seen, df = {}, p .. 'xdf'
  for j = 1, #xa, 8 do
    local f = string.sub(xa, j, j + 7)
    if not seen[f] then
      seen[f] = true
      if redis.call('HINCRBY', df, f, delta) <= 0 then redis.call('HDEL', df, f) end
    end
  end
  if not lang then return end
  for j = 1, #xk, 8 do
    local k = string.sub(xk, j, j + 7)
    if delta > 0 then
      redis.call('SADD', p .. 'xb' .. k .. lang, id)
    else
      redis.call('SREM', p .. 'xb' .. k .. lang, id)
    end
    if redis.call('HINCRBY', p .. 'xc' .. k, lang, delta) <= 0 then
      redis.call('HDEL', p .. 'xc' .. k, lang)
    end
  end
end
"""

# Lua: add (delta 1) or withdraw (delta -1) document dk's id in the postings of its passage
# fingerprints (field fp, 8 bytes each)
POSTINGS = """
local function postings(p, id, dk, delta)
  local fp = redis.call('HGET', dk, 'fp') or ''
  for j = 1, #fp, 8 do
    if delta > 0 then
      redis.call('SADD', p .. 'f' .. string.sub(fp, j, j + 7), id)
    else
      redis.call('SREM', p .. 'f' .. string.sub(fp, j, j + 7), id)
    end
  end
end
"""

# ARGV: prefix, replace ("1"/"0"), then per document: id, buckets, nfields, field, value...
PUT = (
    POSTINGS
    + XL_COUNT
    + """
local p, replace = ARGV[1], ARGV[2] == '1'
local out, i = {}, 3
while i <= #ARGV do
  local id, ks, nf = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local dk = p .. 'd:' .. id
  local exists = redis.call('EXISTS', dk) == 1
  if exists and not replace then
    out[#out + 1] = 'exists'
  else
    if exists then
      local old = redis.call('HGET', dk, 'k') or ''
      for j = 1, #old, 10 do redis.call('SREM', p .. 'b' .. string.sub(old, j, j + 9), id) end
      postings(p, id, dk, -1)
      xl_count(p, id, dk, -1)
      redis.call('DEL', dk)
      out[#out + 1] = 'replaced'
    else
      out[#out + 1] = 'added'
    end
    local args = {'k', ks}
    for f = 0, nf - 1 do
      args[#args + 1] = ARGV[i + 2 * f]
      args[#args + 1] = ARGV[i + 2 * f + 1]
    end
    redis.call('HSET', dk, unpack(args))
    for j = 1, #ks, 10 do redis.call('SADD', p .. 'b' .. string.sub(ks, j, j + 9), id) end
    postings(p, id, dk, 1)
    xl_count(p, id, dk, 1)
    redis.call('SADD', p .. 'ids', id)
  end
  i = i + 2 * nf
end
redis.call('INCR', p .. 'gen')
return out
"""
)

# ARGV: prefix, bucket names (10 bytes each, concatenated), "1" to read the documents too
LOOKUP = """
local p, ks = ARGV[1], ARGV[2]
local names = {}
for j = 1, #ks, 10 do names[#names + 1] = p .. 'b' .. string.sub(ks, j, j + 9) end
local ids = redis.call('SUNION', unpack(names))
if ARGV[3] ~= '1' then return ids end
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HMGET', p .. 'd:' .. id,
    'url', 'site', 'title', 'date', 'source', 'credit', 'sh', 'sig', 'lang')
end
return out
"""

# ARGV: prefix, bucket names (10 bytes each), query fingerprints (8 bytes each), limit. Returns
# the write generation, the ids in the buckets, and per fingerprint the documents holding it
# and (when at most limit) their ids: the first read of a query (`RedisStore.lookup`)
CANDIDATES = """
local p, ks, fps, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local names = {}
for j = 1, #ks, 10 do names[#names + 1] = p .. 'b' .. string.sub(ks, j, j + 9) end
local ids = {}
if #names > 0 then ids = redis.call('SUNION', unpack(names)) end
local counts, holders = {}, {}
for j = 1, #fps, 8 do
  local key = p .. 'f' .. string.sub(fps, j, j + 7)
  local n = redis.call('SCARD', key)
  counts[#counts + 1] = n
  if n <= limit then holders[#holders + 1] = redis.call('SMEMBERS', key)
  else holders[#holders + 1] = {} end
end
return {redis.call('GET', p .. 'gen') or '0', ids, counts, holders}
"""

# ARGV: prefix, ids...: the write generation and each document's fields (the second read of a
# query; the generation tells whether a write came between the two reads)
READ = """
local p = ARGV[1]
local out = {}
for i = 2, #ARGV do
  out[#out + 1] = ARGV[i]
  out[#out + 1] = redis.call('HMGET', p .. 'd:' .. ARGV[i],
    'url', 'site', 'title', 'date', 'source', 'credit', 'sh', 'sig', 'lang', 'ly')
end
return {redis.call('GET', p .. 'gen') or '0', out}
"""

# ARGV: prefix, query language, query anchor bucket keys (8 bytes each), query features
# (8 bytes each), id the query stands in for ('' none), the bucket cap. The cap is the rule of
# dedup.index.translations.open_buckets, decided on the counts before any member is read.
XL_LOOKUP = """
local p, ql, qk, qf, ex, cap = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local fields = {'url', 'site', 'title', 'date', 'source', 'credit', 'sh', 'sig', 'lang', 'xa', 'xk'}
local excluded, exkeys, exlang = false, {}, false
if ex ~= '' and redis.call('EXISTS', p .. 'd:' .. ex) == 1 then
  excluded = redis.call('HMGET', p .. 'd:' .. ex, unpack(fields))
  exlang = excluded[9]
  local xk = excluded[11] or ''
  for j = 1, #xk, 8 do exkeys[string.sub(xk, j, j + 7)] = true end
end
local seen, ids, skipped = {}, {}, 0
for j = 1, #qk, 8 do
  local k = string.sub(qk, j, j + 7)
  local flat = redis.call('HGETALL', p .. 'xc' .. k)
  local sizes = {}
  for i = 1, #flat, 2 do sizes[flat[i]] = tonumber(flat[i + 1]) end
  if exlang and exkeys[k] then sizes[exlang] = (sizes[exlang] or 0) - 1 end
  sizes[ql] = (sizes[ql] or 0) + 1
  local n, sq = 0, 0
  for _, c in pairs(sizes) do n = n + c; sq = sq + c * c end
  local pairs_ = (n * n - sq) / 2
  if pairs_ > cap then
    skipped = skipped + 1
  elseif pairs_ > 0 then
    for lang, c in pairs(sizes) do
      if lang ~= ql and c > 0 then
        for _, id in ipairs(redis.call('SMEMBERS', p .. 'xb' .. k .. lang)) do
          if id ~= ex and not seen[id] then seen[id] = true; ids[#ids + 1] = id end
        end
      end
    end
  end
end
local feats, flist = {}, {}
local function want(blob)
  for j = 1, #blob, 8 do
    local f = string.sub(blob, j, j + 7)
    if not feats[f] then feats[f] = true; flist[#flist + 1] = f end
  end
end
want(qf)
local docs = {}
for _, id in ipairs(ids) do
  local v = redis.call('HMGET', p .. 'd:' .. id, unpack(fields))
  docs[#docs + 1] = id
  docs[#docs + 1] = v
  if v[10] then want(v[10]) end
end
local counts = {}
for i = 1, #flist, 1000 do
  local part = redis.call('HMGET', p .. 'xdf', unpack(flist, i, math.min(i + 999, #flist)))
  for _, c in ipairs(part) do counts[#counts + 1] = c or '0' end
end
return {excluded, tostring(skipped), redis.call('SCARD', p .. 'ids'), docs, flist, counts}
"""

# ARGV: prefix, ids...
DELETE = (
    POSTINGS
    + XL_COUNT
    + """
local p = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local dk = p .. 'd:' .. id
  if redis.call('EXISTS', dk) == 1 then
    local old = redis.call('HGET', dk, 'k') or ''
    for j = 1, #old, 10 do redis.call('SREM', p .. 'b' .. string.sub(old, j, j + 9), id) end
    postings(p, id, dk, -1)
    xl_count(p, id, dk, -1)
    redis.call('DEL', dk)
    redis.call('SREM', p .. 'ids', id)
    out[#out + 1] = id
  end
end
redis.call('INCR', p .. 'gen')
return out
"""
)
