"""Widgets of the app: the answer inputs for each kind of question."""
