-- wrk script for bench/intake.sh: POSTs the urlencoded form in the file
-- named by $BODY_FILE to /submit for $POST_SECONDS, then lets the
-- requests in flight finish and sends nothing more (run wrk with -d a
-- few seconds longer), so that no request is cut off and every stored
-- item has its response counted.  done() prints the 2xx and other
-- responses and the time spent posting.  A form token is good for one
-- report, so each POST is preceded by a GET / whose token it uses: the
-- body file starts with "token=" and the rest of the form; latency
-- figures cover both requests, the counts only the POSTs.

local ffi = require("ffi")
ffi.cdef[[
struct nm_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int, struct nm_timespec *);
]]
local function now()
	local ts = ffi.new("struct nm_timespec")
	ffi.C.clock_gettime(1, ts)	-- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local body = f:read("*a")
f:close()
local seconds = tonumber(os.getenv("POST_SECONDS") or "20")
-- Formatted in init(): only then does wrk.headers hold the Host header
-- (the server, in strict mode, refuses a request without one).
local get
local tokens = {}
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	get = wrk.format("GET", "/")
	ok = 0
	bad = 0
	first = 0
	last = 0
	deadline = nil
end

function request()
	if deadline == nil then
		first = now()
		deadline = first + seconds
	end
	local t = table.remove(tokens)
	if t == nil then
		return get
	end
	return wrk.format("POST", "/submit",
	    { ["Content-Type"] = "application/x-www-form-urlencoded" },
	    "token=" .. t .. body)
end

function delay()
	if deadline ~= nil and now() >= deadline then
		return 3600000	-- past the end: send nothing more
	end
	return 0
end

function response(status, headers, rbody)
	local t = rbody and rbody:match('name="token" value="([^"]*)"')
	if t ~= nil and status == 200 then
		table.insert(tokens, t)	-- a form page, from a GET
		return
	end
	last = now()
	if status >= 200 and status < 300 then
		ok = ok + 1
	else
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local o, b, t0, t1 = 0, 0, nil, 0
	for _, t in ipairs(threads) do
		o = o + t:get("ok")
		b = b + t:get("bad")
		local s, e = t:get("first"), t:get("last")
		if s > 0 and (t0 == nil or s < t0) then t0 = s end
		if e > t1 then t1 = e end
	end
	io.write(string.format("post_2xx %d\npost_non2xx %d\n", o, b))
	io.write(string.format("post_seconds %.3f\n", t1 - (t0 or t1)))
	io.write(string.format("post_p50_ms %.3f\npost_p99_ms %.3f\n",
	    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
	io.write(string.format("post_socket_errors %d\n",
	    summary.errors.connect + summary.errors.read +
	    summary.errors.write + summary.errors.timeout))
end
