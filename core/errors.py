"""Domain errors: a Chinese message for the person, a stable code for the API and the logs.

Views turn them into messages (see core.middleware.DomainErrorMiddleware), never into 500s.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_ALLOWED = "not_allowed"
    INVALID_TRANSITION = "invalid_transition"
    CONCURRENT_CHANGE = "concurrent_change"
    INCOMPLETE = "incomplete"
    DUPLICATE = "duplicate"
    BAD_FILE = "bad_file"
    TOO_LARGE = "too_large"
    SMS_CODE = "sms_code"


class DomainError(Exception):
    code = ErrorCode.INVALID

    def __init__(self, message: str, *, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotAllowed(DomainError):
    code = ErrorCode.NOT_ALLOWED


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION


class ConcurrentChange(DomainError):
    code = ErrorCode.CONCURRENT_CHANGE


class Incomplete(DomainError):
    code = ErrorCode.INCOMPLETE


class BadFile(DomainError):
    code = ErrorCode.BAD_FILE
