-- wrk script for scripts/bench: agents claiming from one team queue.
--
-- Run with as many threads as connections: each thread is one agent with its
-- own session cookie (line i of BENCH_COOKIES). BENCH_IDS lists the queue's
-- task ids in queue order. Agent i of n claims ids i, i+n, i+2n... (the head
-- of the queue, as a person would), and every BENCH_STEAL_EVERY-th step it
-- also claims its neighbour's id of that step: a real race when both get
-- there together, a quick conflict when one was first. Each claim is a form
-- post to the claim server function (BENCH_CLAIM_PATH) asking for JSON: 200
-- for a win, 409 for a conflict. A thread stops when its ids run out.
-- BENCH_WON receives "won AGENT ID" for each win and "flying AGENT ID" for
-- the claim each agent had in flight when the time was up.

local threads = {}
local counter = 0

local function lines(path)
  local t = {}
  for line in io.lines(path) do
    if line ~= "" then t[#t + 1] = line end
  end
  return t
end

-- Main state: give each thread its agent and cookie.
function setup(thread)
  local cookies = lines(os.getenv("BENCH_COOKIES"))
  counter = counter + 1
  thread:set("agent", counter - 1)
  thread:set("agents", #cookies)
  thread:set("cookie", cookies[(counter - 1) % #cookies + 1])
  threads[#threads + 1] = thread
end

-- Thread state from here on.
local seq = {}
local pos = 0
current = nil
wins, conflicts, others, attempts, exhausted = 0, 0, 0, 0, 0
won = {}

function init(args)
  local ids = lines(os.getenv("BENCH_IDS"))
  local steal_every = tonumber(os.getenv("BENCH_STEAL_EVERY") or "4")
  local step = 0
  local i = agent + 1
  while i <= #ids do
    seq[#seq + 1] = ids[i]
    if steal_every > 0 and (step + agent) % steal_every == 0 and i + 1 <= #ids then
      seq[#seq + 1] = ids[i + 1]
    end
    i = i + agents
    step = step + 1
  end
  path = os.getenv("BENCH_CLAIM_PATH")
  headers = {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }
  done_request = wrk.format("GET", "/healthz")
end

function request()
  pos = pos + 1
  current = seq[pos]
  if current == nil then
    return done_request
  end
  return wrk.format("POST", path, headers, "task_id=" .. current)
end

function response(status, hdrs, body)
  if current == nil then
    exhausted = 1
    wrk.thread:stop()
    return
  end
  attempts = attempts + 1
  if status == 200 then
    wins = wins + 1
    won[#won + 1] = current
  elseif status == 409 then
    conflicts = conflicts + 1
  else
    others = others + 1
    if others <= 3 then
      io.stderr:write(string.format("claim of %s answered %d: %s\n", current, status, body))
    end
  end
end

function done(summary, latency, requests)
  local w, c, o, a, x = 0, 0, 0, 0, 0
  local out = io.open(os.getenv("BENCH_WON"), "w")
  for _, t in ipairs(threads) do
    w = w + t:get("wins")
    c = c + t:get("conflicts")
    o = o + t:get("others")
    a = a + t:get("attempts")
    x = x + t:get("exhausted")
    local agent = t:get("agent")
    for _, id in ipairs(t:get("won")) do
      out:write("won ", agent, " ", id, "\n")
    end
    -- The claim in flight when wrk stopped: the server may have made it.
    local flying = t:get("current")
    if flying then
      out:write("flying ", agent, " ", flying, "\n")
    end
  end
  out:close()
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d attempts=%d wins=%d conflicts=%d others=%d exhausted_threads=%d\n",
    summary.requests, summary.duration, a, w, c, o, x))
  io.write(string.format("BENCH errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("BENCH mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
