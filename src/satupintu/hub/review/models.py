from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from satupintu.hub.vendors.models import PortalAccount


class Kind(models.TextChoices):
    """What an LPSE administrator decided about an account held in review (SOP step 7)."""

    DIFFERENT = "different", _("different vendors")
    SPLIT = "split", _("taken out of its group")
    SAME = "same", _("one vendor: merge confirmed")


class ReviewDecision(models.Model):
    """A person's decision on how an account relates to others, which every engine run honours.

    ``account`` is the account of the deciding portal; `DecisionPair` names the accounts it was decided
    against. A later decision on the same two accounts replaces an earlier one.
    """

    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    account = models.ForeignKey(
        PortalAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="review_decisions"
    )
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-decided_at", "-id"]
        permissions = [
            ("resolve_review", _("Can resolve the review queue of their own portal")),
            ("resolve_any_portal", _("Can resolve the review queue of every portal")),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.kind}"


class DecisionPair(models.Model):
    """One account a decision was made against: the pair (decision's account, other)."""

    decision = models.ForeignKey(ReviewDecision, on_delete=models.CASCADE, related_name="pairs")
    other = models.ForeignKey(
        PortalAccount, verbose_name=_("other account"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("account decided against")
        verbose_name_plural = _("accounts decided against")
        constraints = [models.UniqueConstraint(fields=["decision", "other"], name="decision_pair_once")]

    def __str__(self) -> str:
        return f"{self.decision} / {self.other}"
