"""The project's own errors: each carries one sentence for the user (what is wrong, what to do).

The command line and the app catch :class:`HdrError` and show its text; anything else is a bug.
"""
from __future__ import annotations


class HdrError(Exception):
    """Base of every error a user can cause or fix (bad file, missing data, bad option)."""


class DataError(HdrError):
    """A data file or folder is missing, unreadable or not what it claims to be."""
