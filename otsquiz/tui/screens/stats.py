"""Progress for the profile in use: reviews per day, study calendar and streak, retention,
the due forecast, mastery per deck and the leeches.

The figures come from ``Store.stats`` (the same as ``otsquiz stats --json``),
read in a thread so that the app stays responsive while a large collection is
counted; the charts are drawn with textual-plotext, imported only when this
screen opens.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from otsquiz.core.store import StoreError
from otsquiz.core.text import visible
from otsquiz.tui.failures import end_app
from otsquiz.tui.screens.home import ROW_MARGIN, TITLE_WIDTH, mastery_bar
from otsquiz.tui.state import AppState
from otsquiz.tui.text import plain

CALENDAR_WEEKS = 12
CHART_DAYS = 30
SHADES = " ░▒▓█"


def count_ticks(top: int, ticks: int = 3) -> list[int]:
    """Whole numbers from 0 for an axis of counts reaching ``top``: plotext's own would say 5.5."""
    step = max(1, math.ceil(max(top, 1) / (ticks - 1)))
    return [step * number for number in range(ticks)]


def calendar(reviews_per_day: dict[str, int], today: date, weeks: int = CALENDAR_WEEKS) -> str:
    """A GitHub-style grid of study days: one column per week, Monday at the top."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    most = max(reviews_per_day.values(), default=0) or 1
    rows = []
    for weekday, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        cells = []
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day > today:
                cells.append(" ")
                continue
            count = reviews_per_day.get(day.isoformat(), 0)
            shade = 0 if count == 0 else 1 + min(3, int(3 * count / most))
            cells.append(SHADES[shade] if count else "·")
        rows.append(f"{name} " + " ".join(cells))
    return "\n".join(rows)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def headline(report: dict[str, Any]) -> str:
    """Who, how much (study reviews and drill answers apart), the streak and the retention."""
    streak = report["streak"]
    retention = report["retention"]
    rate = retention["rate"]
    answers = plural(report["reviews_total"], "review")
    if report.get("drill_answers"):
        answers += f" · {plural(report['drill_answers'], 'drill answer')}"
    # Retention counts only study reviews of questions seen before: a first answer is not one.
    kept = (
        f"{rate:.0%} of {plural(retention['reviews'], 'review')} (30 days)"
        if rate is not None
        else "— (not enough reviews yet)"
    )
    return (
        f"Profile {visible(report['profile'])} · {answers} · streak {plural(streak['current'], 'day')}, "
        f"longest {streak['longest']} · true retention {kept}"
    )


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class StatsScreen(Screen[None]):
    """The figures of ``state``'s profile over its decks."""

    # Parsed when this screen is first shown (the app stylesheet holds only shared rules).
    DEFAULT_CSS = """
    #stats {
        padding: 1 2;
    }

    #charts {
        height: 14;
    }

    #charts PlotextPlot {
        width: 1fr;
        height: 14;
    }

    /* Side by side, a narrow terminal would cut both charts' titles and labels: one above the other. */
    StatsScreen.-narrow #charts {
        layout: vertical;
        height: 28;
    }
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]

    BINDINGS = [Binding("escape,q", "close", "Back")]

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static("Counting your answers…", id="stats-loading")
        yield Footer()

    def on_mount(self) -> None:
        self._read_figures()

    @work(thread=True, exclusive=True)
    def _read_figures(self) -> None:
        """The figures, read off the UI thread: a large collection with a long history takes a moment."""
        app, state = self.app, self.state
        decks = {deck.info.id: deck.keys for deck in state.decks}
        # One read for the calendar's twelve weeks; the charts show the last and next 30 days of it.
        try:
            report = state.store.stats(state.profile.id, decks, now=state.clock(), days=7 * CALENDAR_WEEKS)
        except StoreError as error:
            app.call_from_thread(end_app, app, error)  # as on the UI thread: the message alone, exit code 1
            return
        if not get_current_worker().is_cancelled:  # the learner may have left the screen meanwhile
            app.call_from_thread(self._show, report)  # type: ignore[arg-type]  # Textual's hints miss an async callback's result

    async def _show(self, report: dict[str, Any]) -> None:
        if not self.is_attached:
            return
        area = self.query_one("#stats", VerticalScroll)
        await area.remove_children()
        await area.mount_all(self._figures(report))
        reviews = report["reviews_per_day"][-CHART_DAYS:]
        self._bars(
            "#reviews-chart",
            f"Reviews per day ({CHART_DAYS} days)",
            [item["date"][5:] for item in reviews],
            [item["reviews"] for item in reviews],
        )
        forecast = report["forecast"][:CHART_DAYS]
        self._bars(
            "#forecast-chart",
            f"Reviews due (next {CHART_DAYS} days)",
            [item["date"][5:] for item in forecast],
            [item["due"] for item in forecast],
        )

    def _figures(self, report: dict[str, Any]) -> list[Widget]:
        per_day = {item["date"]: item["reviews"] for item in report["reviews_per_day"]}
        leeches = report["leeches"]
        return [
            Static(plain(headline(report)), id="stats-headline"),
            Horizontal(PlotextPlot(id="reviews-chart"), PlotextPlot(id="forecast-chart"), id="charts"),
            Static("Study days (last 12 weeks)", classes="section-title"),
            Static(calendar(per_day, self.state.clock().astimezone().date()), id="calendar"),
            Static(
                "Mastery per deck (questions with a stability of 21 days or more)", classes="section-title"
            ),
            Static(plain("\n".join(self._mastery_rows(report)) or "No decks."), id="mastery"),
            Static(f"Leeches ({len(leeches)}): questions forgotten 8 times or more", classes="section-title"),
            Static(
                plain("\n".join(f"{leech['deck']} / {leech['card']}" for leech in leeches) or "None. Good."),
                id="leeches",
            ),
        ]

    def _mastery_rows(self, report: dict[str, Any]) -> list[str]:
        """One row per deck, fitting the screen: long titles are cut, the bar is shorter below 100 columns."""
        titles = {deck.info.id: visible(deck.info.title) for deck in self.state.decks}
        room = self.app.size.width - ROW_MARGIN
        bar = 20 if room >= 100 else 10
        tails = [
            f"{d['reviewed']}/{d.get('questions', d['cards'])} questions seen · {d['due']} due"
            for d in report["decks"]
        ]
        fixed = 2 + bar + 5 + 2 + max(map(len, tails), default=0)
        named = [titles.get(d["id"], d["id"]) for d in report["decks"]]
        width = max(6, min(TITLE_WIDTH, max(map(len, named), default=10), room - fixed))
        return [
            f"{shorten(title, width):<{width}}  {mastery_bar(d['mastery'], bar)} {d['mastery']:>4.0%}  {tail}"
            for title, d, tail in zip(named, report["decks"], tails, strict=True)
        ]

    def _bars(self, selector: str, title: str, labels: list[str], values: list[int]) -> None:
        plot = self.query_one(selector, PlotextPlot).plt
        plot.clear_figure()
        plot.title(title)
        positions: list[float] = list(range(len(values)))  # plotext's hints take floats
        plot.bar(positions, values, width=0.6)
        # Labels far enough apart for 80 columns: plotext shifts crowded labels off their
        # ticks, in an order that changes from run to run (it passes them through a set).
        step = max(1, len(labels) // 3)
        plot.xticks(positions[::step], labels[::step])
        counts = count_ticks(max(values, default=0))
        plot.ylim(0, counts[-1])
        ticks: list[float] = list(counts)
        plot.yticks(ticks, [str(count) for count in counts])

    def action_close(self) -> None:
        self.dismiss()
