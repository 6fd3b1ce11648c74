import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedFormTokenManager(models.Manager):
    # One claim in this many also deletes expired keys: the table stays small without a
    # cron job, and no single submission pays for more than a short indexed delete.
    PRUNE_ONE_IN = 100

    def prune_now_and_then(self):
        """Called with every claim: one in ``PRUNE_ONE_IN`` also deletes expired keys."""
        if secrets.randbelow(self.PRUNE_ONE_IN) == 0:
            self.prune()

    def prune(self, now=None):
        return self.filter(expires_at__lt=now or timezone.now()).delete()[0]


class UsedFormToken(models.Model):
    """A questionnaire's form token that was sent once and must not be accepted again.

    Kept in the database, so that every app process sees it and nothing can evict it. The
    key is a salted hash of the token's random part; the row says nothing of when it was
    used, only until when the token would have been valid.
    """

    key = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = UsedFormTokenManager()

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")
        default_permissions = ()

    def __str__(self):
        return self.key
