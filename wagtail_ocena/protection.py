"""Abuse controls for the public questionnaire that store nothing about the respondent.

Every key written here is a salted hash that expires within hours; no IP address,
user agent or cookie is kept with a response. Used form tokens are kept in the database (one
row each, shared by every app process); rate-limit counters in the configured cache.
"""

import datetime
import hashlib
import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _

from .conf import get_setting
from .models import UsedFormToken

logger = logging.getLogger(__name__)

TOKEN_FIELD = "ocena_token"  # noqa: S105 (a field name, not a secret)
HONEYPOT_FIELD = "ocena_kontakt"
_TOKEN_SALT = "wagtail_ocena.survey-form"  # noqa: S105 (a namespace; SECRET_KEY signs)


class SubmissionProblem:
    """Why a posted questionnaire was not accepted although its answers may be fine."""

    INVALID_TOKEN = "invalid_token"  # noqa: S105
    EXPIRED = "expired"
    TOO_FAST = "too_fast"
    HONEYPOT = "honeypot"
    UNAVAILABLE = "unavailable"

    MESSAGES = {
        INVALID_TOKEN: _(
            "We could not accept the questionnaire because its security code is missing or "
            "damaged. Please check your answers and send it again."
        ),
        EXPIRED: _(
            "The questionnaire was open for too long and has expired. Please check your "
            "answers and send it again."
        ),
        TOO_FAST: _(
            "The questionnaire was sent faster than a person can fill it in. Please check "
            "your answers and send it again."
        ),
        HONEYPOT: _(
            "The questionnaire could not be accepted because a field meant to stay empty was "
            "filled in. Please send it again."
        ),
        UNAVAILABLE: _(
            "We could not save the questionnaire because of a momentary technical problem. "
            "Nothing was saved, and your answers are kept below: please send it again in a "
            "moment."
        ),
    }


def _hash(*parts):
    material = ":".join([settings.SECRET_KEY, *map(str, parts)])
    return hashlib.sha256(material.encode()).hexdigest()[:40]


def _cache():
    return caches[get_setting("CACHE")]


@dataclass(frozen=True)
class FormToken:
    """A signed note of which questionnaire was rendered for which page, and when."""

    page_id: int
    version_id: int
    issued_at: int
    nonce: str

    @classmethod
    def issue(cls, page_id, version_id, now=None):
        return cls(
            page_id=page_id,
            version_id=version_id,
            issued_at=int(now if now is not None else time.time()),
            nonce=secrets.token_urlsafe(16),
        )

    def sign(self):
        payload = {
            "p": self.page_id,
            "v": self.version_id,
            "t": self.issued_at,
            "n": self.nonce,
        }
        return signing.dumps(payload, salt=_TOKEN_SALT)

    @classmethod
    def read(cls, signed, page_id):
        """The token posted with the form of page ``page_id``, or None if it is missing or
        forged."""
        try:
            payload = signing.loads(signed or "", salt=_TOKEN_SALT)
            token = cls(
                page_id=int(payload["p"]),
                version_id=int(payload["v"]),
                issued_at=int(payload["t"]),
                nonce=str(payload["n"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None
        return token if token.page_id == page_id else None

    def problem(self, now=None):
        """Why a submission with this token cannot be accepted now, or None."""
        age = (now if now is not None else time.time()) - self.issued_at
        if age > get_setting("FORM_MAX_AGE"):
            return SubmissionProblem.EXPIRED
        if age < get_setting("MIN_FILL_SECONDS"):
            return SubmissionProblem.TOO_FAST
        return None

    def used(self):
        """The unsaved ``UsedFormToken`` that marks this token used: pass it as ``once`` to
        ``SurveyResponse.objects.record``, which saves it with the response or not at all
        (then the resident can send the form once more)."""
        expires = self.issued_at + get_setting("FORM_MAX_AGE") + 60
        return UsedFormToken(
            key=_hash("nonce", self.nonce),
            expires_at=datetime.datetime.fromtimestamp(expires, tz=datetime.UTC),
        )


def client_address(request):
    """The client's address, as the last of the trusted proxies in front of Django saw it."""
    proxies = get_setting("TRUSTED_PROXY_COUNT")
    if proxies:
        # Each trusted proxy appends the address it received the request from; anything to
        # the left of those entries was written by the client and cannot be trusted.
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return _client_network(forwarded[-proxies])
    return _client_network(request.META.get("REMOTE_ADDR", ""))


def _client_network(address):
    """One client's address as a rate limit must count it: an IPv6 host picks any address
    of its /64 at will, so the /64 is the client."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class RateLimit:
    """A fixed-window counter of survey POSTs per client, keyed by a rotating hash."""

    def __init__(self, request, now=None):
        self.posts = get_setting("RATE_LIMIT_POSTS")
        self.window = get_setting("RATE_LIMIT_WINDOW")
        now = now if now is not None else time.time()
        window_index = int(now // self.window)
        self.retry_after = int((window_index + 1) * self.window - now) + 1
        self.retry_minutes = -(-self.retry_after // 60)
        self.key = f"wagtail_ocena:posts:{_hash('posts', client_address(request), window_index)}"

    def hit(self):
        """Count one POST; True while the client is within the limit."""
        cache = _cache()
        try:
            cache.add(self.key, 0, timeout=self.window + 1)
            try:
                count = cache.incr(self.key)
            except ValueError:
                # The counter expired between add() and incr().
                cache.set(self.key, 1, timeout=self.window + 1)
                count = 1
        except Exception:
            # Cache backends raise their own errors (Redis's ConnectionError, for one). A
            # resident's answers matter more than the limit: the POST goes on, unlimited.
            logger.exception("The rate limit's cache failed; the survey POST was not limited.")
            return True
        return count <= self.posts
