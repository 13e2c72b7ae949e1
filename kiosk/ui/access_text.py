"""Every visitor-facing word of the accessibility features, in plain English.

One module on purpose: the panel's labels and everything read aloud are here, so they can be
routed through the translation toolchain as a whole. ``{name}`` fields are filled in with
``str.format``.
"""

from __future__ import annotations

BUTTON = "Accessibility"
BUTTON_DESCRIPTION = "Read aloud, larger text, high contrast and volume"
PANEL_TITLE = "Accessibility"
READ_ALOUD = "Read aloud"
TEXT_SIZE = "Text size"
TEXT_SIZE_NAMES = {"standard": "Standard", "large": "Large", "extra_large": "Extra large"}
HIGH_CONTRAST = "High contrast"
VOLUME = "Volume"
VOLUME_DOWN = "Quieter"
VOLUME_UP = "Louder"
VOLUME_LEVEL = "Volume {percent} percent"
CLOSE = "Done"
ON = "on"
OFF = "off"
SWITCH = "{name}: {state}"

# Slideshow controls shown while reading aloud.
PAUSE = "Pause"
RESUME = "Resume"
REPEAT = "Repeat"
PREVIOUS = "Previous page"
NEXT = "Next page"

# Spoken.
READ_ALOUD_ON = "Read aloud is on. Use the arrow keys or Tab to move, and Enter to choose."
READ_ALOUD_OFF = "Read aloud is off."
PAGE_POSITION = "Page {number} of {total}."
BUTTON_ROLE = "{name}, button."
CHOICE_ROLE = "{name}, {state}."
SELECTED = "selected"
NOT_SELECTED = "not selected"
CHECKED = "ticked"
NOT_CHECKED = "not ticked"
CHECKBOX = "Tick box"
QUESTION = "{label}. {hint}"
ANSWER = "Your answer: {answer}."
NO_ANSWER = "No answer yet."
ERROR = "Error: {message}"
STILL_THERE = "Are you still there? {countdown} Choose Yes, continue, or More time."
MORE_TIME = "More time"
SECONDS_LEFT = "{seconds} seconds left."
