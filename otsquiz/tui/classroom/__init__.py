"""The classroom in the app: the presenter's screens (presenter.py) and a student's (student.py)."""
