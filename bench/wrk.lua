-- wrk script of the benchmark: POSTs the body of BENCH_BODY_FILE, with "Authorization: Token <t>" taken in
-- turn from the tokens (one a line) in BENCH_TOKENS_FILE when set, and prints one JSON line of results:
-- latency percentiles (microseconds), requests, errors, and the count of each HTTP status.

local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local body = read(os.getenv("BENCH_BODY_FILE"))
local headers = {["Content-Type"] = "application/json"}
local tokens = {}
local tokens_file = os.getenv("BENCH_TOKENS_FILE")
if tokens_file and tokens_file ~= "" then
  for line in read(tokens_file):gmatch("[^\n]+") do tokens[#tokens + 1] = line end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
statuses = {}

function init(args)
  counter = id * 7919
end

function request()
  if #tokens > 0 then
    counter = counter + 1
    headers["Authorization"] = "Token " .. tokens[(counter % #tokens) + 1]
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, response_headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      local key = tostring(status)
      counts[key] = (counts[key] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do parts[#parts + 1] = string.format('"%s": %d', status, count) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
