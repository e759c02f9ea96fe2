"""Which files a task accepts: groups of types, a size limit and a count limit.

A file is judged twice. Before a byte is sent, by what the student's device says (the name and
the declared type, the size, how many files the work holds already), so a refusal comes at
once with a precise sentence. Once the bytes are in, by the content alone (the shell sniffs
it): the content must be a type the task allows, and must be what the name says it is, since a
file whose name lies about its content is either a mistake or an attack. Nothing here renders a
file; SVG and HTML are in no group, so they are never accepted at all.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from competencies.messages import N_


class FileGroup(enum.StrEnum):
    IMAGES = "images"
    PDF = "pdf"
    OFFICE = "office"
    VIDEO = "video"
    AUDIO = "audio"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    FileGroup.IMAGES: N_("photos and images"),
    FileGroup.PDF: N_("PDF documents"),
    FileGroup.OFFICE: N_("office documents"),
    FileGroup.VIDEO: N_("videos"),
    FileGroup.AUDIO: N_("audio recordings"),
}

# Each name ending, with the content types it may truly hold (as a sniffer names them), the
# first being the one a browser declares. Raster images only: an SVG can carry script.
_EXTENSIONS: dict[FileGroup, dict[str, tuple[str, ...]]] = {
    FileGroup.IMAGES: {
        "jpg": ("image/jpeg",), "jpeg": ("image/jpeg",), "png": ("image/png",),
        "gif": ("image/gif",), "webp": ("image/webp",),
        "heic": ("image/heic", "image/heif"), "heif": ("image/heif", "image/heic"),
    },
    FileGroup.PDF: {"pdf": ("application/pdf",)},
    FileGroup.OFFICE: {
        "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
        "odt": ("application/vnd.oasis.opendocument.text",),
        "ods": ("application/vnd.oasis.opendocument.spreadsheet",),
        "odp": ("application/vnd.oasis.opendocument.presentation",),
        "doc": ("application/msword", "application/x-ole-storage", "application/x-msi"),
        "xls": ("application/vnd.ms-excel", "application/x-ole-storage", "application/x-msi"),
        "ppt": ("application/vnd.ms-powerpoint", "application/x-ole-storage", "application/x-msi"),
    },
    FileGroup.VIDEO: {
        "mp4": ("video/mp4",), "m4v": ("video/x-m4v", "video/mp4"),
        "mov": ("video/quicktime", "video/mp4"), "webm": ("video/webm",),
        "3gp": ("video/3gpp", "video/mp4"),
    },
    FileGroup.AUDIO: {
        "mp3": ("audio/mpeg",), "m4a": ("audio/mp4", "audio/x-m4a", "video/mp4"),
        "wav": ("audio/wav", "audio/x-wav", "audio/vnd.wave"), "ogg": ("audio/ogg",),
        "oga": ("audio/ogg",), "aac": ("audio/aac", "audio/x-hx-aac-adts"),
        "weba": ("audio/webm", "video/webm"),
    },
}

# What a browser may declare for a type, besides the first one above (phones vary).
_DECLARED_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg",
                     "audio/x-m4a": "audio/mp4", "audio/mp3": "audio/mpeg",
                     "audio/x-wav": "audio/wav", "audio/wave": "audio/wav"}


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a file is not accepted: a stable code and a sentence (marked, with its values).

    A sentence naming what is accepted takes ``%(allowed)s`` from the policy's group labels,
    which the shell translates first (:meth:`FilePolicy.allowed_labels`).
    """

    code: str
    message: str
    values: Mapping[str, str | int] = dataclasses.field(default_factory=dict)


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def group_of(media_type: str) -> FileGroup | None:
    for group, endings in _EXTENSIONS.items():
        if any(media_type in types for types in endings.values()):
            return group
    return None


@dataclasses.dataclass(frozen=True)
class FilePolicy:
    """What one task accepts; :data:`DEFAULT` for every task that does not narrow it."""

    groups: frozenset[FileGroup] = frozenset(FileGroup)
    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20

    @property
    def accepts_files(self) -> bool:
        return bool(self.groups)

    def within(self, max_bytes: int, max_files: int) -> FilePolicy:
        """This policy inside an instance's limits: a task may narrow them, never widen them."""
        return FilePolicy(self.groups, min(self.max_bytes, max_bytes),
                          min(self.max_files, max_files))

    def accept(self) -> str:
        """The file input's ``accept`` attribute: a hint to the phone's picker, never a check."""
        wildcard = {FileGroup.IMAGES: "image/*", FileGroup.VIDEO: "video/*",
                    FileGroup.AUDIO: "audio/*"}
        parts: list[str] = []
        for group in FileGroup:
            if group not in self.groups:
                continue
            if group in wildcard:
                parts.append(wildcard[group])
            parts += [f".{ending}" for ending in _EXTENSIONS[group]]
        return ",".join(parts)

    def allowed_labels(self) -> list[str]:
        return [group.label for group in FileGroup if group in self.groups]

    def claimed_types(self, filename: str, declared_type: str) -> tuple[str, ...] | None:
        """The content types the name (or, without an ending, the declared type) promises."""
        ending = _extension(filename)
        for endings in _EXTENSIONS.values():
            if ending in endings:
                return endings[ending]
        if ending:
            return None
        declared = _DECLARED_ALIASES.get(declared_type, declared_type)
        return (declared,) if group_of(declared) else None

    def check_declared(self, filename: str, declared_type: str, size: int,
                       files_held: int) -> Refusal | None:
        """Before the upload starts: what the device says about the file."""
        if size > self.max_bytes:
            return Refusal("too_large", N_("“%(name)s” is %(size)s MB; files may be at most "
                                           "%(limit)s MB."),
                           {"name": filename, "size": _megabytes(size),
                            "limit": _megabytes(self.max_bytes)})
        if files_held >= self.max_files:
            return Refusal("too_many", N_("This work already holds %(limit)s files, the most "
                                          "it may hold. Remove one before adding another."),
                           {"limit": self.max_files})
        claimed = self.claimed_types(filename, declared_type)
        declared = _DECLARED_ALIASES.get(declared_type, declared_type)
        group = group_of(claimed[0]) if claimed else None
        if group is None or group not in self.groups:
            return self._not_allowed(filename)
        if declared and declared != "application/octet-stream" and group_of(declared) != group:
            return Refusal("declared_mismatch",
                           N_("“%(name)s” is named as one kind of file but your device says it "
                              "is another (%(declared)s). Check the file and try again."),
                           {"name": filename, "declared": declared})
        return None

    def check_content(self, filename: str, declared_type: str, content_type: str | None
                      ) -> Refusal | None:
        """After the bytes are in: ``content_type`` is what a sniffer found in them."""
        group = group_of(content_type) if content_type else None
        if group is None or group not in self.groups:
            return Refusal("content_not_allowed",
                           N_("The content of “%(name)s” is not a kind of file this task "
                              "accepts (%(allowed)s)."),
                           {"name": filename})
        claimed = self.claimed_types(filename, declared_type)
        if claimed is not None and content_type not in claimed:
            return Refusal("content_contradicts_name",
                           N_("“%(name)s” is named as %(claimed)s but its content is "
                              "%(found)s. Nothing was kept; rename or re-save the file and try "
                              "again."),
                           {"name": filename, "claimed": claimed[0], "found": content_type or ""})
        return None

    def _not_allowed(self, filename: str) -> Refusal:
        return Refusal("type_not_allowed",
                       N_("“%(name)s” is not a kind of file this task accepts. It accepts "
                          "%(allowed)s."),
                       {"name": filename})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


DEFAULT = FilePolicy()


def ordered(groups: Iterable[FileGroup]) -> list[str]:
    """Groups as a task stores them: values, in the order pages list them."""
    chosen = set(groups)
    return [group.value for group in FileGroup if group in chosen]


def task_files(groups: Iterable[FileGroup], max_bytes: int | None) -> dict[str, Any]:
    """What a task stores of its file policy (and its frozen version keeps): the groups it
    accepts and its own per-file limit, ``None`` for as large as the instance allows."""
    return {"groups": ordered(groups), "max_bytes": max_bytes}


def from_task_files(data: Mapping[str, Any] | None) -> FilePolicy:
    """The policy :func:`task_files` stored. A version frozen before tasks chose their files
    holds none and accepts what every task accepted then: :data:`DEFAULT`."""
    if data is None:
        return DEFAULT
    groups = frozenset(FileGroup(value) for value in data.get("groups", ())
                       if value in FileGroup.__members__.values())
    limit = data.get("max_bytes")
    max_bytes = min(limit, DEFAULT.max_bytes) if isinstance(limit, int) and limit > 0 \
        else DEFAULT.max_bytes
    return FilePolicy(groups, max_bytes, DEFAULT.max_files)
