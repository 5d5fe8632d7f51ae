"""Citations of the law and the refusal every enforced rule raises."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: `Perbup Balangan 61/2017 Pasal 6 ayat (1) huruf a`."""

    regulation: str
    pasal: str | int | None = None
    ayat: str | int | None = None
    huruf: str | None = None

    def __str__(self) -> str:
        parts = [self.regulation]
        if self.pasal is not None:
            parts.append(f"Pasal {self.pasal}")
        if self.ayat is not None:
            parts.append(f"ayat ({self.ayat})")
        if self.huruf is not None:
            parts.append(f"huruf {self.huruf}")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "regulation": self.regulation,
            "pasal": self.pasal,
            "ayat": self.ayat,
            "huruf": self.huruf,
            "text": str(self),
        }


class RuleViolation(Exception):
    """An action the law refuses. The API answers 422 with code, message and citation, so a
    person can always see which article said no."""

    def __init__(
        self,
        code: str,
        message: str,
        citation: Citation | str,
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.citation = citation
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body["citation"] = str(self.citation)
        if isinstance(self.citation, Citation):
            body["citation_detail"] = self.citation.to_dict()
        if self.errors:
            body["errors"] = self.errors
        return body
