"""What a session asks: the decks, card types, count and seed a front end chose."""

from __future__ import annotations

# How many questions a drill asks when the learner does not say: the CLI, the app and the core agree.
DRILL_COUNT = 10
