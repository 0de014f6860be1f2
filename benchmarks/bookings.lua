-- wrk script for benchmarks/bookings.py: every request a different person.
--   wrk -t1 -c50 -d60s -s benchmarks/bookings.lua http://127.0.0.1:PORT -- BODIES_FILE
-- BODIES_FILE holds one JSON booking body a line (bookings.py writes it): COUNT bodies to measure, then a
-- reserve of others. Each wrk thread takes every n-th line and sends each body once; when its share of the
-- COUNT has been answered it prints DONE, and bookings.py stops wrk (SIGINT) and takes the time. The reserve
-- keeps every connection busy to the end (an idle keep-alive connection is closed by the server after 2 s,
-- and a request caught in that close would never be answered). Statuses are counted per "HTTP status + the answer's
-- status or error" and printed by done() as one JSON line (prefixed WRK) for bookings.py to read.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   local file = assert(io.open(args[1], "r"))
   local nthreads = tonumber(args[2]) or 1
   local count = tonumber(args[3])
   requests, index, answered, statuses, share = {}, 0, 0, {}, 0
   local line_no = 0
   for line in file:lines() do
      if line_no % nthreads == id then
         table.insert(requests, wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json"}, line))
         if line_no < count then
            share = share + 1
         end
      end
      line_no = line_no + 1
   end
   file:close()
end

function request()
   index = index + 1
   return requests[index]
end

function response(status, headers, body)
   local what = body:match('"status"%s*:%s*"([%a_]+)"') or body:match('"error"%s*:%s*"([%a_]+)"') or "?"
   local key = status .. " " .. what
   statuses[key] = (statuses[key] or 0) + 1
   answered = answered + 1
   if answered == share then
      -- wrk runs for its -d duration whatever its threads do: bookings.py stops it (SIGINT) on this line
      io.write("DONE\n")
      io.flush()
   end
end

function done(summary, latency, requests)
   local parts = {}
   for _, thread in ipairs(threads) do
      for key, n in pairs(thread:get("statuses")) do
         parts[key] = (parts[key] or 0) + n
      end
   end
   local out = {}
   for key, n in pairs(parts) do
      table.insert(out, string.format('"%s": %d', key, n))
   end
   io.write(string.format('WRK {"duration_us": %d, "requests": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "errors": %d, "statuses": {%s}}\n', summary.duration, summary.requests,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      table.concat(out, ", ")))
end
