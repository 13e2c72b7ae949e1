#!/bin/sh
# Run a command with a sound server that plays into nothing: a PulseAudio with a null sink on
# $XDG_RUNTIME_DIR (which must exist, mode 0700), for speech-dispatcher to play through.
# Run it inside `dbus-run-session --`. Stops PulseAudio, and the speech-dispatcher the command
# started, when the command is done; exits with the command's status.
set -u
pulseaudio -n --daemonize=no --exit-idle-time=-1 \
  -L "module-null-sink" -L "module-native-protocol-unix" >"$XDG_RUNTIME_DIR/pulse.log" 2>&1 &
pulse=$!
i=0
while [ ! -S "$XDG_RUNTIME_DIR/pulse/native" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$@"
status=$?
speechd="$XDG_RUNTIME_DIR/speech-dispatcher/pid/speech-dispatcher.pid"
[ -f "$speechd" ] && kill "$(cat "$speechd")" 2>/dev/null
kill "$pulse" 2>/dev/null
wait "$pulse" 2>/dev/null
exit $status
