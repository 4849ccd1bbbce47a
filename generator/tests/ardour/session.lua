-- Builds the test session, run by
-- `ardour7-lua session.lua DIR NAME PLUGIN CHANNELS KIND [INSERTION]`
-- (KIND: effect or instrument). A 48 kHz session on Ardour's Dummy backend,
-- one track named "track" (audio with CHANNELS inputs and outputs, or MIDI
-- with CHANNELS audio outputs), the VST3 plugin PLUGIN inserted on it, and a
-- master bus of CHANNELS channels:
--   * the track's outputs feed the master's inputs one to one, both panners
--     bypassed: the master bus (which `ardour7-export` records) carries the
--     plugin's channels unmixed, with no pan law;
--   * the track's inputs are disconnected: only its playlist sounds.
-- The harness then writes the region, its source and the session range into
-- the saved XML. Prints "plugin latency N" (the latency Ardour read from the
-- plugin) and, last, "session saved".
--
-- How an instrument goes on a MIDI track matters in Ardour 7.3. INSERTION
-- (a MIDI track only) is one of:
--   * "add-track-dialog" (the default, what every render uses): as Ardour's
--     Add Track dialog does it, the track created with one MIDI input, one
--     MIDI output, strict I/O and the instrument named; the instrument's
--     insertion gives the track its audio outputs.
--   * "strict-io-after": the track created with CHANNELS audio outputs and
--     strict I/O off, the instrument inserted (`add_processor_by_index`),
--     then strict I/O turned on.
-- and two that race in Ardour 7.3, kept to show what the two above avoid
-- (see the README's "Inserting an instrument in Ardour 7.3", which also
-- describes a third order that deadlocks):
--   * "inserted-after-audio-outputs": the track created with CHANNELS audio
--     outputs and strict I/O, the instrument inserted afterwards. The strict
--     I/O of the still instrument-less track drops its audio outputs but
--     leaves deleting the ports to Ardour's auto-connect thread, and the
--     insertion registers "track/audio_out 1" again: if that thread has not
--     caught up, the registration throws ("Port already exists"), nothing
--     catches it and the process aborts.
--   * "named-with-audio-outputs": the same track with the instrument named
--     at its creation: the same churn, the same abort.
local WAYS = {
	["add-track-dialog"] = { outputs = "midi", strict = true, named = true },
	["strict-io-after"] = { outputs = "audio", strict = false, named = false },
	["inserted-after-audio-outputs"] = { outputs = "audio", strict = true, named = false },
	["named-with-audio-outputs"] = { outputs = "audio", strict = true, named = true },
}

local dir, name, plugin, channels, kind = arg[1], arg[2], arg[3], tonumber(arg[4]), arg[5]
local way = WAYS[arg[6] or "add-track-dialog"]
assert(dir and name and plugin and channels and (kind == "effect" or kind == "instrument"),
	"usage: DIR NAME PLUGIN CHANNELS KIND [INSERTION]")
assert(way, "unknown INSERTION " .. tostring(arg[6]))

assert(create_session(dir, name, 48000), "create_session failed")

local audio = ARDOUR.DataType("audio")
local master = Session:master_out()
for _, io in ipairs({ master:input(), master:output() }) do
	while io:n_ports():n_audio() > channels do
		assert(io:remove_port(io:audio(io:n_ports():n_audio() - 1), nil) == 0, "master: remove port")
	end
	while io:n_ports():n_audio() < channels do
		assert(io:add_port("", nil, audio) == 0, "master: add port")
	end
end
master:panner_shell():set_bypassed(true)

local not_found = "VST3 plugin '" .. plugin .. "' not found: was its bundle scanned?"
local midi = ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1)
local track, proc
if kind == "effect" then
	track = Session:new_audio_track(channels, channels, nil, 1, "track",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false):front()
else
	local info = ARDOUR.PluginInfo()
	if way.named then
		info = ARDOUR.LuaAPI.new_plugin_info(plugin, ARDOUR.PluginType.VST3)
		assert(not info:isnil(), not_found)
	end
	local outputs = way.outputs == "midi" and midi or ARDOUR.ChanCount(audio, channels)
	track = Session:new_midi_track(midi, outputs, way.strict, info, nil, nil, 1, "track",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false):front()
	assert(track, "no track")
	if way.named then
		proc = track:the_instrument()
		assert(not proc:isnil(), "Ardour created the track without the instrument " .. plugin)
	end
end
assert(track, "no track")
track:input():disconnect_all(nil)
track:panner_shell():set_bypassed(true)

if not proc then
	proc = ARDOUR.LuaAPI.new_plugin(Session, plugin, ARDOUR.PluginType.VST3, "")
	assert(not proc:isnil(), not_found)
	assert(track:add_processor_by_index(proc, 0, nil, true) == 0, "cannot insert the plugin on the track")
end
if kind == "instrument" and not way.strict then
	track:set_strict_io(true)
	assert(track:strict_io(), "strict I/O stayed off")
end

local outputs = track:output()
assert(outputs:n_ports():n_audio() == channels, "track outputs: " .. outputs:n_ports():n_audio())
for c = 0, channels - 1 do
	outputs:audio(c):disconnect_all()
	assert(outputs:audio(c):connect(master:input():audio(c):name()) == 0, "connect to master")
end

print("plugin latency " .. proc:signal_latency())
assert(Session:save_state("", false, false, false, false, false) == 0, "save_state failed")
close_session()
print("session saved")
