from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from satupintu.portal.qualification import services


def _vendor(request):
    if request.user.is_staff:
        raise PermissionDenied


def _kind(slug: str) -> services.Kind:
    kind = services.KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _cell(entry, column: str):
    display = getattr(entry, f"get_{column}_display", None)
    return display() if display else getattr(entry, column)


@login_required
def index(request):
    _vendor(request)
    sections = []
    for kind in services.KINDS.values():
        headers = [kind.model._meta.get_field(c).verbose_name for c in kind.columns]
        rows = [(e, [_cell(e, c) for c in kind.columns]) for e in services.entries(kind, request.user)]
        sections.append({"kind": kind, "headers": headers, "rows": rows})
    return render(request, "qualification/index.html", {"sections": sections})


@login_required
def edit(request, slug: str, pk: int | None = None):
    _vendor(request)
    kind = _kind(slug)
    # Another vendor's entry is not found, rather than forbidden: its existence is not told either.
    entry = get_object_or_404(services.entries(kind, request.user), pk=pk) if pk else None
    form = kind.form(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.save(form, request.user)
        messages.success(request, _("Saved: %(kind)s.") % {"kind": kind.model._meta.verbose_name})
        return redirect("qualification:index")
    return render(request, "qualification/edit.html", {"kind": kind, "form": form, "entry": entry})


@login_required
def delete(request, slug: str, pk: int):
    _vendor(request)
    kind = _kind(slug)
    entry = get_object_or_404(services.entries(kind, request.user), pk=pk)
    if request.method == "POST":
        entry.delete()
        messages.success(request, _("Deleted: %(entry)s.") % {"entry": entry})
        return redirect("qualification:index")
    return render(request, "qualification/delete.html", {"kind": kind, "entry": entry})
