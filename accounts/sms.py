"""Pluggable SMS sending. settings.SMS_BACKEND names the class; production plugs in its gateway here."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("accounts.sms")

# Messages sent through LocMemBackend (tests and browser journeys read the code from here).
outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    """Development default: the message goes to the log (the console of `make run`)."""

    def send(self, mobile: str, text: str) -> None:
        logger.warning("SMS to %s: %s", mobile, text)


class LocMemBackend:
    def send(self, mobile: str, text: str) -> None:
        outbox.append((mobile, text))


def send_sms(mobile: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(mobile, text)
