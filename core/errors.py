"""Errors the services raise; the API turns each into JSON `{"code", "message", ...}`."""
from __future__ import annotations

from typing import Any


class KesosError(Exception):
    status = 400
    code = "permintaan_tidak_sah"
    message = "Permintaan tidak sah."

    def __init__(self, code: str | None = None, message: str | None = None, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.message)
        self.code = code or self.code
        self.message = message or self.message
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


class InvalidInput(KesosError):
    status = 422
    code = "data_tidak_valid"
    message = "Data yang dikirim tidak valid."

    def __init__(self, errors: dict[str, Any], message: str | None = None) -> None:
        super().__init__(self.code, message, errors)


class NotFound(KesosError):
    status = 404
    code = "tidak_ditemukan"
    message = "Data tidak ditemukan."


class Conflict(KesosError):
    status = 409
    code = "konflik"
    message = "Data bertentangan dengan data yang sudah ada."


class Unauthorized(KesosError):
    status = 401
    code = "belum_masuk"
    message = "Silakan masuk terlebih dahulu."


class Forbidden(KesosError):
    status = 403
    code = "tidak_berwenang"
    message = "Anda tidak berwenang melakukan tindakan ini."


class PreconditionFailed(KesosError):
    status = 412
    code = "versi_usang"
    message = "Data telah diubah orang lain sejak Anda membukanya. Muat ulang lalu coba lagi."


class PreconditionRequired(KesosError):
    status = 428
    code = "if_match_diperlukan"
    message = "Header If-Match (ETag versi data) wajib dikirim untuk perubahan ini."
