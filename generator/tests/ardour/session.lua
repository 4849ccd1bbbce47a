-- Builds the test session, run by `ardour7-lua session.lua DIR NAME PLUGIN CHANNELS KIND`
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

local dir, name, plugin, channels, kind = arg[1], arg[2], arg[3], tonumber(arg[4]), arg[5]
assert(dir and name and plugin and channels and (kind == "effect" or kind == "instrument"), "usage: DIR NAME PLUGIN CHANNELS KIND")

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

local track
if kind == "effect" then
	track = Session:new_audio_track(channels, channels, nil, 1, "track",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false):front()
else
	track = Session:new_midi_track(ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1), ARDOUR.ChanCount(audio, channels),
		true, ARDOUR.PluginInfo(), nil, nil, 1, "track",
		ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false):front()
end
assert(track, "no track")
track:input():disconnect_all(nil)
track:panner_shell():set_bypassed(true)

local proc = ARDOUR.LuaAPI.new_plugin(Session, plugin, ARDOUR.PluginType.VST3, "")
assert(not proc:isnil(), "VST3 plugin '" .. plugin .. "' not found: was its bundle scanned?")
assert(track:add_processor_by_index(proc, 0, nil, true) == 0, "cannot insert the plugin on the track")

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
