"""The HTML the server sends: the door (the join form), its refusals, and the terminal page.

Every value that came from outside (a typed name, the Host header) goes through
``html.escape``: deck text and student names are never markup. The door has no
script at all; the terminal page loads only textual-serve's own files from this
server (its stock page asks fonts.googleapis.com for the font that textual-serve
ships itself, so this page declares that font from the local file instead).
"""

from __future__ import annotations

from html import escape

from otsquiz.core.room.names import NAME_MAX

_STYLE = """
  body { margin: 0; background: #0c181f; color: #f4f4f4;
         font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 34rem; margin: 0 auto; padding: 1.5rem; }
  h1 { font-size: 2.4rem; margin: 0.5rem 0 1rem; }
  p { font-size: 1.4rem; line-height: 1.4; }
  label { display: block; font-size: 1.6rem; margin: 1.2rem 0 0.4rem; }
  input { box-sizing: border-box; width: 100%; font-size: 2rem; padding: 0.6rem;
          border-radius: 0.4rem; border: 2px solid #7a8a94; background: #12232d; color: #fff; }
  input[name=code] { letter-spacing: 0.3rem; text-transform: uppercase; font-family: monospace; }
  button { margin-top: 1.6rem; width: 100%; font-size: 2rem; padding: 0.8rem;
           border: none; border-radius: 0.4rem; background: #5e0ba7; color: #fff; }
  .message { font-size: 1.5rem; padding: 0.8rem; border-radius: 0.4rem; background: #5a1a1a; }
"""


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def door(*, message: str = "", code: str = "", name: str = "", ask_name: bool = True) -> str:
    """The join form; ``message`` says why the last try did not get in."""
    said = f'<p class="message" role="alert" id="message">{escape(message)}</p>\n' if message else ""
    name_field = (
        f"""<label for="name">Your name</label>
<input id="name" name="name" value="{escape(name)}" maxlength="{NAME_MAX}" autocomplete="nickname" required>
"""
        if ask_name
        else ""
    )
    return _page(
        "Join the class",
        f"""<h1>Join the class</h1>
{said}<form method="post" action="/join">
<label for="code">Room code</label>
<input id="code" name="code" value="{escape(code)}" maxlength="32" autocomplete="off"
       autocapitalize="characters" spellcheck="false" required autofocus>
{name_field}<button type="submit">Join</button>
</form>
""",
    )


def notice(title: str, message: str, *, again: bool = True) -> str:
    """A page that only says something: the room is full, too many tries."""
    link = '<p><a href="/" style="color:#c9a3f5">Try again</a></p>' if again else ""
    return _page(title, f'<h1>{escape(title)}</h1>\n<p id="message">{escape(message)}</p>\n{link}')


def terminal(*, websocket_url: str, title: str, font_size: int = 16) -> str:
    """The page that shows a student's app: textual-serve's terminal page, offline.

    Adapted from textual_serve/templates/app_index.html (textual-serve 1.1.3, MIT):
    the same element and classes textual.js looks for, the font from the local
    file, and no inline script (the restart button is a link).
    """
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>
  @font-face {{ font-family: "Roboto Mono"; font-style: normal;
               src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }}
  @font-face {{ font-family: "Roboto Mono"; font-style: italic;
               src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }}
  html, body {{ margin: 0; height: 100%; background: #0c181f; }}
  .textual-terminal {{ width: 100vw; height: 100vh; opacity: 0; transition: opacity 0.3s ease-out; }}
  body.-first-byte .textual-terminal {{ opacity: 1; }}
  .dialog {{ position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
            z-index: 10; color: #f4f4f4; font: 1.5rem "Roboto Mono", monospace; text-align: center; }}
  body.-first-byte .starting {{ display: none; }}
  .ended {{ display: none; background: #0c181f; }}
  body.-closed .ended {{ display: flex; }}
  .ended a {{ display: block; margin: 1rem; padding: 1rem 2rem; background: #5e0ba7; color: #fff;
             text-decoration: none; }}
</style>
</head>
<body>
<div class="dialog starting"><div>{escape(title)}: starting…</div></div>
<div class="dialog ended"><div><div id="ended">Session ended.</div><a href="/">Back in</a></div></div>
<div id="terminal" class="textual-terminal"
     data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
</body>
</html>
"""
