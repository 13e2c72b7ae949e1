"""A stand-in ``org.freedesktop.ScreenSaver`` for tests (run by Debian's python3, not the venv).

Run it on a private session bus: ``dbus-run-session -- /usr/bin/python3 fake_screensaver.py``.
It owns ``org.freedesktop.ScreenSaver``, serves ``Inhibit(s, s) -> u`` and ``UnInhibit(u)`` at
``/org/freedesktop/ScreenSaver`` (where GNOME, KDE and Xfce serve them) and checks each call's
D-Bus signature as they do. It prints one JSON line when ready (``{"address": ..., "pid": ...}``,
the bus to connect to) and one per call (``{"call": "Inhibit", "cookie": 1, ...}``); a call with the
wrong signature, or an UnInhibit of a cookie not held, gets a D-Bus error and a line with
``"error"``. Unlike a real desktop it does not drop a caller's inhibitors when the caller
disconnects, so a test sees whether the kiosk released them itself.
"""

import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"


def say(**fields):
    print(json.dumps(fields), flush=True)


class ScreenSaver(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.held = {}
        self.next_cookie = 1

    @dbus.service.method(NAME, in_signature="ss", out_signature="u", message_keyword="message")
    def Inhibit(self, application, reason, message):
        if message.get_signature() != "ss":
            say(call="Inhibit", error=f"signature {message.get_signature()!r}")
            raise dbus.exceptions.DBusException(
                "wrong signature", name="org.freedesktop.DBus.Error.InvalidArgs"
            )
        cookie = self.next_cookie
        self.next_cookie += 1
        self.held[cookie] = str(application)
        say(
            call="Inhibit",
            application=str(application),
            reason=str(reason),
            cookie=cookie,
            held=sorted(self.held),
        )
        return dbus.UInt32(cookie)

    @dbus.service.method(NAME, in_signature="u", out_signature="", message_keyword="message")
    def UnInhibit(self, cookie, message):
        if message.get_signature() != "u" or int(cookie) not in self.held:
            say(call="UnInhibit", error=f"signature {message.get_signature()!r}, cookie {cookie}")
            raise dbus.exceptions.DBusException(
                "no such inhibitor", name="org.freedesktop.DBus.Error.InvalidArgs"
            )
        del self.held[int(cookie)]
        say(call="UnInhibit", cookie=int(cookie), held=sorted(self.held))


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus)
    service = ScreenSaver(bus)
    say(address=os.environ["DBUS_SESSION_BUS_ADDRESS"], name=name.get_name(), pid=os.getpid())
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)  # SIGTERM: stop cleanly
    loop.run()
    say(stopped=True, held=sorted(service.held))
    return 0


if __name__ == "__main__":
    sys.exit(main())
