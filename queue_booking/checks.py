"""Deployment checks (``manage.py check --deploy``, ``make check``) of the product's own
settings: where personal data would go, and whether the keys can keep a secret."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Bytes of a key typed by a person: below this an HMAC key can be searched for offline
# from one known pair (a NIK and its blind index, a QR and its code).
KEY_MIN_LENGTH = 32

_WRITES_MESSAGES_OUT = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def personal_data_checks(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    warnings = []
    if settings.SMS_BACKEND == "applicants.notifications.ConsoleSmsBackend":
        warnings.append(
            Warning(
                "SMS_BACKEND is the development console backend: every SMS, with the applicant's phone number "
                "and the booking's secret link, is written to standard output and so to the logs.",
                hint="Set SMS_GATEWAY_URL (and SMS_GATEWAY_TOKEN) to your SMS/WhatsApp gateway, which then "
                "gets every message as a JSON POST, or SMS_BACKEND to a backend of your own (a subclass of "
                "applicants.notifications.SmsBackend).",
                id="antrean.W001",
            )
        )
    if settings.EMAIL_BACKEND in _WRITES_MESSAGES_OUT:
        warnings.append(
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: every email, with the applicant's name, address and "
                "the booking's secret link, is written out instead of sent.",
                hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:pass@smtp.example.org:587.",
                id="antrean.W002",
            )
        )
    if len(settings.NIK_HASH_KEY) < KEY_MIN_LENGTH:
        warnings.append(
            Warning(
                f"NIK_HASH_KEY is shorter than {KEY_MIN_LENGTH} characters: with a copy of the database, the key "
                "behind the NIK blind index (and with it every NIK) could be found by search.",
                hint="Use a long random string; it cannot be changed later without losing look-ups.",
                id="antrean.W003",
            )
        )
    short = sorted(kid for kid, secret in settings.PROOF_SIGNING_KEYS.items() if len(secret) < KEY_MIN_LENGTH)
    if short:
        warnings.append(
            Warning(
                f"PROOF_SIGNING_KEYS: the secret of {', '.join(short)} is shorter than {KEY_MIN_LENGTH} characters; "
                "from one printed QR code it could be found by search, and then proofs forged.",
                hint="Add a long random key first (it signs new proofs), keep the old one listed until its proofs "
                "are used, then drop it.",
                id="antrean.W004",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        warnings.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL}: the proof links in every email and SMS carry the booking's "
                "secret, which would cross the network unencrypted (before any redirect to HTTPS).",
                hint="Set SITE_URL to the public https:// address, e.g. https://antrean.example.go.id.",
                id="antrean.W005",
            )
        )
    return warnings
