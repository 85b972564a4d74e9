"""The pages of a long list (the review and verification queues, the helpdesk's tickets)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(request, items, size: int) -> tuple[Page, str]:
    """The page of ``items`` that the request asks for (``?page=N``; a wrong number gives the nearest
    page, never an error), and the request's other parameters as a query string, for the pager's links
    to keep the list's filters (templates/pager.html)."""
    page = Paginator(items, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
