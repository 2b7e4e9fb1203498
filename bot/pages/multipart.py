"""A strict reader of the one `multipart/form-data` body the upload page sends.

The WSGI server has already capped the body (bot.web's request limit), and the caller checks
Content-Length before reading, so this works on bytes in memory. Anything unexpected is
refused: a missing boundary, a part without a name, a second file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.errors import UserFacingError

_BOUNDARY = re.compile(r'boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))', re.IGNORECASE)
_PARAM = re.compile(r';\s*(name|filename)="((?:[^"\\]|\\.)*)"', re.IGNORECASE)
MAX_PARTS = 8
MAX_FIELD_BYTES = 1024


class FormRefused(UserFacingError):
    """The body is not the form our page sends."""


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    file: bytes | None = None


def parse(content_type: str, body: bytes, *, file_field: str) -> UploadForm:
    """The form's text fields and its one file (`file_field`)."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise _refused()
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise _refused()
    delimiter = b"--" + (match[1] or match[2]).encode("latin-1")
    chunks = body.split(delimiter)
    # chunks: preamble, part, part, ..., "--" epilogue
    if len(chunks) < 3 or not chunks[-1].startswith(b"--") or len(chunks) > MAX_PARTS + 2:
        raise _refused()
    form = UploadForm()
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            raise _refused()
        head, sep, value = chunk[2:-2].partition(b"\r\n\r\n")
        if not sep:
            raise _refused()
        name, filename = _disposition(head)
        if filename is not None:
            if name != file_field or form.file is not None:
                raise FormRefused("Upload one file at a time: the bill.")
            form.filename, form.file = filename, value
        else:
            if len(value) > MAX_FIELD_BYTES or name in form.fields:
                raise _refused()
            form.fields[name] = value.decode("utf-8", "replace")
    return form


def _disposition(head: bytes) -> tuple[str, str | None]:
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() != "content-disposition":
            continue
        if not value.strip().lower().startswith("form-data"):
            raise _refused()
        params = {k.lower(): v.replace('\\"', '"') for k, v in _PARAM.findall(value)}
        if "name" not in params:
            raise _refused()
        return params["name"], params.get("filename")
    raise _refused()


def _refused() -> FormRefused:
    return FormRefused("That upload did not come from this page. Reload the page and try again.")
