-- wrk script that posts OpenAI chat completion requests and prints one JSON summary line.
--
-- Environment variables (set by the Load benchmark, so no key appears on a command line):
--   LOAD_HEADERS  request headers, one "Name: value" per line
--   LOAD_MODEL    the model of every request
--   LOAD_UNIQUE   "1" gives every request a prompt never sent before, so a cache can never hit
--   LOAD_RUN_ID   text that makes the unique prompts of this run differ from every other run's
--   LOAD_PROMPT   the prompt of every request when LOAD_UNIQUE is not "1"

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(character)
    return string.format("\\u%04x", character:byte())
  end) .. '"'
end

local function chat_body(prompt)
  return '{"model":' .. json_string(model) ..
    ',"max_tokens":16,"messages":[{"role":"user","content":' .. json_string(prompt) .. '}]}'
end

function init(args)
  model = os.getenv("LOAD_MODEL") or "gpt-4o-mini"
  unique = os.getenv("LOAD_UNIQUE") == "1"
  run_id = os.getenv("LOAD_RUN_ID") or tostring(os.time())
  sequence = 0

  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  for line in (os.getenv("LOAD_HEADERS") or ""):gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end

  wrk.body = chat_body(os.getenv("LOAD_PROMPT") or "Summarize the benchmark plan in one line.")
end

function request()
  if not unique then
    return wrk.format()
  end

  sequence = sequence + 1
  local prompt = string.format("Benchmark prompt %s-%d-%d: summarize the plan in one line.", run_id, thread_number, sequence)
  return wrk.format(nil, nil, nil, chat_body(prompt))
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.3f,"p50":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
