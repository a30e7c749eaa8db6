-- wrk script for bench/load.py: counts the homepage's responses by status across wrk's threads,
-- and says the requests came through the TLS-terminating router (as a PaaS sends them).
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("STATUS %d %d\n", status, count))
  end
  local errors = summary.errors
  io.write(string.format("ERRORS %d %d %d %d %d\n", errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
