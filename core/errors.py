"""Errors whose message is meant for the user, one line, no traceback needed."""


class UserError(Exception):
    """Something the user can act on; str(error) is a complete, human sentence."""


class IngestError(UserError):
    """A file could not be indexed; nothing stored before is touched."""


class PasswordRequired(IngestError):
    """An encrypted PDF needs a password (none or a wrong one was given)."""


class StoreError(UserError):
    """The store refused an operation: locked, model mismatch, unknown collection."""


class GeneratorError(UserError):
    """A language model could not answer: endpoint unreachable, key refused, model unknown, ..."""
