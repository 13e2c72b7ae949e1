"""Every visitor-facing word of the accessibility features, written in English.

One module on purpose: the panel's labels and everything read aloud are here. Each is marked
with :func:`~kiosk.core.words.N_` for the catalogues (``make messages``) and shown or spoken in
the visitor's language with ``words.tr(MESSAGE, name=value)`` where it is used (README, "In the
visitor's language"). ``{name}`` fields are filled in by ``Words.tr``.
"""

from __future__ import annotations

from kiosk.core.words import N_

BUTTON = N_("Accessibility")
BUTTON_DESCRIPTION = N_("Read aloud, larger text, high contrast and volume")
PANEL_TITLE = BUTTON
READ_ALOUD = N_("Read aloud")
TEXT_SIZE = N_("Text size")
TEXT_SIZE_NAMES = {
    "standard": N_("Standard"),
    "large": N_("Large"),
    "extra_large": N_("Extra large"),
}
HIGH_CONTRAST = N_("High contrast")
VOLUME = N_("Volume")
VOLUME_DOWN = N_("Quieter")
VOLUME_UP = N_("Louder")
VOLUME_LEVEL = N_("Volume {percent} percent")
CLOSE = N_("Done")
ON = N_("on")
OFF = N_("off")
SWITCH = N_("{name}: {state}")

# Slideshow controls shown while reading aloud.
PAUSE = N_("Pause")
RESUME = N_("Resume")
REPEAT = N_("Repeat")
PREVIOUS = N_("Previous page")
NEXT = N_("Next page")

# Spoken.
READ_ALOUD_ON = N_("Read aloud is on. Use the arrow keys or Tab to move, and Enter to choose.")
READ_ALOUD_OFF = N_("Read aloud is off.")
PAGE_POSITION = N_("Page {number} of {total}.")
BUTTON_ROLE = N_("{name}, button.")
CHOICE_ROLE = N_("{name}, {state}.")
SELECTED = N_("selected")
NOT_SELECTED = N_("not selected")
CHECKED = N_("ticked")
NOT_CHECKED = N_("not ticked")
CHECKBOX = N_("Tick box")
QUESTION = N_("{label}. {hint}")
ANSWER = N_("Your answer: {answer}.")
NO_ANSWER = N_("No answer yet.")
ERROR = N_("Error: {message}")
# "{count} seconds left." (at 10 and 5 seconds) is a plural: kiosk/ui/request_form.py has it.
STILL_THERE = N_("Are you still there? {countdown} Choose Yes, continue, or More time.")
MORE_TIME = N_("More time")
