"""Answers that take as long whether or not an account exists.

The forgotten-password form and the user ID look-up answer every address alike, but the work behind the
answer differs: a known account gets a reset key, its email-address row and another email template.
Measured through gunicorn (bench/forgot_password.py), that is a couple of milliseconds, which enough
requests from afar could average out into "this address has an account". So these answers leave no
sooner than a fixed time after the request came in, well above what either path takes.
"""

from __future__ import annotations

import functools
import time

# Long enough to cover either path with the mail server's answer included, short enough not to be
# noticed on a form that is used once.
ANSWER_FLOOR_SECONDS = 0.35


def no_sooner_than(seconds: float = ANSWER_FLOOR_SECONDS):
    """Decorate a view so that its answers to POST leave ``seconds`` after the request at the earliest."""

    def decorate(view):
        @functools.wraps(view)
        def answered(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            began = time.monotonic()
            response = view(request, *args, **kwargs)
            left = seconds - (time.monotonic() - began)
            if left > 0:
                time.sleep(left)
            return response

        return answered

    return decorate
