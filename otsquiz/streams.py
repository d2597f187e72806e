"""The standard streams and signals of one ``otsquiz`` command (``Guard``).

A closed stdin, stdout or stderr, a reader that leaves (``otsquiz decks | head``)
and SIGINT, SIGTERM or SIGHUP all end a command with a message and an exit code,
never a traceback.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from types import FrameType
from typing import Any, TextIO

# ---------------------------------------------------------------- signals

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Signalled(BaseException):
    """A signal asked otsquiz to stop: the command unwinds (closing the store) and exits 128 + signal.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` stops it on its way out.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # Only the first signal counts: a second one must not interrupt the unwinding.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Signalled(signum)


# ---------------------------------------------------------------- streams


class OutputError(Exception):
    """The output could not be written (a full disk, a terminal gone): exit code 1."""


class _Output(io.TextIOBase):
    """stdout that outlives its reader: once the pipe is closed, the rest of the output goes nowhere.

    The command carries on and exits as it would have (``validate | head`` still says
    1 for errors); other write errors become ``OutputError``.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_left = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self.discard()
            return len(text)
        except OSError as error:
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self.discard()
        except OSError as error:
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None

    def discard(self) -> None:
        """Send what is still buffered, and everything after it, to the null device."""
        self.reader_left = True
        _point_at_devnull(self._stream)

    def isatty(self) -> bool:
        return is_tty(self._stream)

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase's attribute, read from the stream
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]  # as encoding
        return self._stream.errors


class _Messages(io.TextIOBase):
    """stderr that never fails: a message that cannot be shown has nowhere else to go."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is not None:
            try:
                self._stream.write(text)
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None
        return len(text)

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None

    def isatty(self) -> bool:
        return self._stream is not None and is_tty(self._stream)

    def writable(self) -> bool:
        return True


def is_tty(stream: Any) -> bool:
    """Whether ``stream`` is a terminal; a closed, missing or odd stream is not."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _point_at_devnull(stream: Any) -> None:
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return  # not a real file (a test's StringIO): nothing is waiting to be written to it
    os.dup2(null, fd)
    os.close(null)


def _fill_closed_descriptors() -> None:
    """Put the null device on a closed 0, 1 or 2, so that no file opened later lands there.

    Otherwise the next file opened (a deck being fixed) would get the number and a
    stray write meant for the terminal would go into it.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


class Guard:
    """The streams and signals of one ``otsquiz`` command; ``restore()`` puts everything back."""

    def __init__(self) -> None:
        # Python sets a stream to None when its descriptor was closed at start.
        self.stdin_closed = sys.stdin is None
        self.stdout_closed = sys.stdout is None
        self._streams = (sys.stdin, sys.stdout, sys.stderr)
        self._handlers: dict[int, Any] = {}
        _fill_closed_descriptors()
        self.output = _Output(sys.stdout) if sys.stdout is not None else None
        if self.output is not None:
            sys.stdout = self.output
        sys.stderr = _Messages(sys.stderr)
        try:
            for signum in SIGNALS:
                self._handlers[signum] = signal.signal(signum, _on_signal)
        except ValueError:
            pass  # not the main thread (main() called from a thread): signals stay as they were

    def release_signals(self) -> None:
        """Give the signals back (to the app, which handles its own keys and terminal)."""
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)
        self._handlers.clear()

    def release_streams(self) -> None:
        sys.stdin, sys.stdout, sys.stderr = self._streams

    def finish(self, stopped: bool = False) -> None:
        """Flush the output (dropped after a signal: nobody waits for it) and restore everything."""
        if self.output is not None:
            if stopped:
                self.output.discard()
            try:
                self.output.flush()
            except OutputError:
                self.output.discard()  # the message was given; the exit must not fail again
        self.release_signals()
        self.release_streams()
