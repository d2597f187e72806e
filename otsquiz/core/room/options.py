"""What a teacher chooses for a room: the questions (decks, seed, types, count), time and scoring."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple, get_args

from otsquiz.core.selection import DRILL_COUNT, SelectionError, SessionRequest, check_types
from otsquiz.core.store.rooms import RoomError

ScoreboardShown = Literal["all", "top", "none"]
Names = Literal["typed", "generated"]

DEFAULT_SECONDS = 20
TEAMS_MAX = 12


class RoomOptions(NamedTuple):
    """A room's settings, kept with it (``rooms.options``) so every process reads the same."""

    count: int = DRILL_COUNT  # type: ignore[assignment]  # the option's name; it hides tuple.count, unused
    seconds: int = DEFAULT_SECONDS  # per question; 0: no time limit
    types: tuple[str, ...] = ()  # card types asked; empty: every type but the self-rated
    speed_points: bool = False
    streaks: bool = False
    scoreboard: ScoreboardShown = "all"  # all: the top 5 and each student's own rank; top: the top 5 only
    teams: tuple[str, ...] = ()  # team names; empty: no teams
    names: Names = "typed"
    count_hits: bool = False  # the bridge to FSRS: a right answer counts as Good (a miss is always Again)

    @classmethod
    def build(
        cls,
        *,
        count: int | None = None,
        seconds: int | None = None,
        types: Sequence[str] | None = None,
        speed_points: bool = False,
        streaks: bool = False,
        scoreboard: str = "all",
        teams: int | str | Sequence[str] | None = None,
        names: str = "typed",
        count_hits: bool = False,
    ) -> RoomOptions:
        """Checked options, from what a teacher typed; a ``RoomError`` says what is wrong."""
        if count is not None and count < 1:
            raise RoomError(f"the count must be at least 1, not {count}")
        if seconds is not None and seconds < 0:
            raise RoomError(f"the time per question must be 0 (none) or more seconds, not {seconds}")
        if scoreboard not in get_args(ScoreboardShown):
            raise RoomError(f"the scoreboard is all, top or none, not {scoreboard}")
        if names not in get_args(Names):
            raise RoomError(f"names are typed or generated, not {names}")
        try:
            checked = check_types(types) or []
        except SelectionError as error:  # its message is the teacher's
            raise RoomError(str(error)) from error
        return cls(
            DRILL_COUNT if count is None else count,
            DEFAULT_SECONDS if seconds is None else seconds,
            tuple(checked),
            speed_points,
            streaks,
            scoreboard,  # type: ignore[arg-type]  # checked above
            team_names(teams),
            names,  # type: ignore[arg-type]  # checked above
            count_hits,
        )

    @classmethod
    def from_request(cls, request: SessionRequest, **options: Any) -> RoomOptions:
        """A room for what a drill request chose (count, types, timer); the rest from ``options``."""
        return cls.build(count=request.count, seconds=request.timer, types=request.types, **options)

    def to_dict(self) -> dict[str, Any]:
        return {**self._asdict(), "types": list(self.types), "teams": list(self.teams)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomOptions:
        known = {key: data[key] for key in cls._fields if key in data}
        for key in ("types", "teams"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


def team_names(teams: int | str | Sequence[str] | None) -> tuple[str, ...]:
    """Team names from ``--teams``: a number N ("Team 1".."Team N") or names ("Red,Blue")."""
    if teams is None or teams == 0 or teams == "":
        return ()
    if isinstance(teams, str):
        text = teams.strip()
        teams = int(text) if text.isdigit() else [name.strip() for name in text.split(",") if name.strip()]
    if isinstance(teams, int):
        if not 2 <= teams <= TEAMS_MAX:
            raise RoomError(f"a class splits into 2 to {TEAMS_MAX} teams, not {teams}")
        return tuple(f"Team {number}" for number in range(1, teams + 1))
    names = tuple(teams)
    keys = {name.casefold() for name in names}
    if not 2 <= len(names) <= TEAMS_MAX or len(keys) != len(names):
        raise RoomError(f"name 2 to {TEAMS_MAX} different teams, not {', '.join(names) or 'none'}")
    return names
