"""``otsquiz.answers.check``, where the deck format contract names it.

The implementation lives in ``otsquiz.core.answers``; this module re-exports it.
"""

from otsquiz.core.answers import AnswerIndex, Verdict, check, check_number, normalize, parse_number

__all__ = ["AnswerIndex", "Verdict", "check", "check_number", "normalize", "parse_number"]
