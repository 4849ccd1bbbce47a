-- Adaptive latency as a user meets it, run by
-- `ardour7-lua adapt.lua DIR NAME SECONDS FOLDER FRAMES` on a session that
-- session.lua built and the harness gave its region: one process, so one
-- plugin instance, throughout.
--   1. The session loads (Dummy backend, real time) and plays for SECONDS.
--   2. It stops and is saved: Ardour reads the plugin's state on this, its
--      main thread, the kind of call on which the plugin tells Ardour that
--      its latency wants to change (restartComponent(kLatencyChanged)).
--      Ardour 7.3 answers by re-reading the latency on its process thread; it
--      does not restart the plugin.
--   3. The plugin is deactivated and activated again, as the processor box's
--      Deactivate and Activate do: Ardour stops it on its process thread at
--      the next cycle, then starts it from here and reads its latency again.
--   4. The session range [0, FRAMES) is exported from the master bus as
--      32-bit float (the preset the harness installs) to FOLDER/NAME.wav.
-- Prints "block N" (frames per engine cycle), "latency loaded N", "rolled
-- to N" (the transport position when it stopped), "latency saved N" and
-- "latency reactivated N" (Ardour's plugin latency, in frames), one "meter"
-- line per read-only parameter (see below) and, last, "exported".

local dir, name, seconds, folder, frames = arg[1], arg[2], tonumber(arg[3]), arg[4], tonumber(arg[5])
assert(dir and name and seconds and folder and frames, "usage: DIR NAME SECONDS FOLDER FRAMES")
local FLOAT_WAV_PRESET = "3c1d7a52-0f4e-4b7a-9d26-5e8b1f0a6c43"
local UI = ARDOUR.TransportRequestSource.TRS_UI

local function wait(s)
	ARDOUR.LuaAPI.usleep(math.floor(s * 1000000))
end

assert(load_session(dir, name), "load_session failed")
local track = Session:route_by_name("track")
assert(not track:isnil(), "no track named 'track'")
local plugin = track:nth_plugin(0):to_insert()
assert(not plugin:isnil(), "no plugin on the track")
print("block " .. Session:get_block_size())
print("latency loaded " .. plugin:signal_latency())

-- 1. Play in real time.
Session:request_roll(UI)
wait(seconds)
print("rolled to " .. Session:transport_sample())
Session:request_stop(false, false, UI)
for _ = 1, 100 do
	if not Session:transport_rolling() then break end
	wait(0.02)
end
assert(not Session:transport_rolling(), "the transport did not stop")
-- What Ardour shows for the plugin's read-only meters after playing, in the
-- units it displays them in: "meter NAME|VALUE|LOWER|UPPER".
local dsp = plugin:plugin(0)
for j = 0, dsp:parameter_count() - 1 do
	if dsp:parameter_is_output(j) then
		local _, described = dsp:get_parameter_descriptor(j, ARDOUR.ParameterDescriptor())
		local d = described[2]
		-- Lua returns the value and a table of the arguments as the call left
		-- them: the third is its `ok`.
		local value, args = ARDOUR.LuaAPI.get_plugin_insert_param(plugin, j, false)
		assert(args[3], "Ardour cannot read meter " .. d.label)
		print(string.format("meter %s|%.17g|%.17g|%.17g", d.label, value, d.lower, d.upper))
	end
end
-- 2. Save; give the process thread a few cycles to re-read the latency.
assert(Session:save_state("", false, false, false, false, false) == 0, "save_state failed")
wait(0.2)
print("latency saved " .. plugin:signal_latency())

-- 3. Deactivate (done by the process thread, within a cycle of 21 ms here),
-- then activate.
plugin:deactivate()
wait(0.3)
plugin:activate()
wait(0.3)
print("latency reactivated " .. plugin:signal_latency())

-- 4. Export from this process.
local export = Session:simple_export()
assert(export:set_preset(FLOAT_WAV_PRESET), "the float WAV export preset is not installed")
export:set_folder(folder)
export:set_name(name)
export:set_range(0, frames)
assert(export:run_export(), "the export failed")
print("exported")
close_session()
