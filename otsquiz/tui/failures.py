"""A progress database that fails inside the app ends it with the message alone, not a traceback.

Textual ends the app on any exception a handler lets out and prints its
traceback; it has no public hook to word one differently. So the handlers
that reach the store catch ``StoreError`` themselves (``ends_app_on_store_error``)
and end the app as ``otsquiz: <message>`` with exit code 1, the terminal
given back first. Every answer before the failing one is saved already.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from otsquiz.core.store import StoreError

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

Handler = TypeVar("Handler", bound=Callable[..., Any])


def end_app(app: App[Any], error: StoreError) -> None:
    """End ``app`` with exit code 1 and ``otsquiz: <message>`` printed once the terminal is back."""
    from rich.text import Text  # Text, not a str: a message is never read as markup

    app.exit(return_code=1, message=Text(f"otsquiz: {error}"))


def ends_app_on_store_error(handler: Handler) -> Handler:
    """``handler`` (a method of a screen or of the app, plain or async), ending the app on a ``StoreError``.

    Textual passes a handler only the parameters it names, read from its
    signature: ``functools.wraps`` keeps that of ``handler``.
    """
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def guarded_coroutine(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(node, *args, **kwargs)
            except StoreError as error:
                end_app(node.app, error)
                return None

        return cast(Handler, guarded_coroutine)

    @functools.wraps(handler)
    def guarded(node: DOMNode, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(node, *args, **kwargs)
        except StoreError as error:
            end_app(node.app, error)
            return None

    return cast(Handler, guarded)
