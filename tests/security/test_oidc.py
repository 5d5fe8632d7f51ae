"""Login with the region's OpenID Connect provider (e.g. Keycloak): an ID token signed by a key
of the configured JWKS becomes an ordinary Kesos token, with roles from the token's claim.

Keys are generated here, the JWKS is a file (or a local HTTP server), tokens are signed with
PyJWT — nothing leaves the machine."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select

from core.audit import PlatformAuditEntry
from core.config import ConfigError, load_settings
from core.staff.models import User
from tests.core.api.helpers import A_SLUG, B_SLUG, error_of, two_tenants, url
from tests.factories import PASSWORD

OIDC = "/api/v1/auth/oidc"
ME = "/api/v1/auth/me"
ISSUER = "https://sso.kalselprov.go.id/realms/pemda"
CLIENT_ID = "kesos"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


def _jwks(keys: dict[str, Any]) -> dict[str, Any]:
    rsa_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(keys["rsa"].public_key(), as_dict=True)
    ec_jwk = jwt.algorithms.ECAlgorithm.to_jwk(keys["ec"].public_key(), as_dict=True)
    return {
        "keys": [
            {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
            {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"},
        ]
    }


@pytest.fixture
def jwks_file(tmp_path: Path, keys: dict[str, Any]) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(_jwks(keys)))
    return path


@pytest.fixture
def settings_overrides(jwks_file: Path) -> dict[str, Any]:
    return {"oidc_issuer": ISSUER, "oidc_client_id": CLIENT_ID, "oidc_jwks_file": jwks_file}


def id_token(keys: dict[str, Any], *, key: str = "rsa", kid: str = "rsa-1", alg: str = "RS256", **claims: Any) -> str:
    now = datetime.now(timezone.utc)
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "f3a1c2d4-0001",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "preferred_username": "rina.oidc",
        "name": "Rina Marlina",
        "kesos_roles": [f"{A_SLUG}:officer", f"{B_SLUG}:auditor"],
    }
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, keys[key], algorithm=alg, headers={"kid": kid})


def _login(client: Any, token: str) -> Any:
    return client.post(OIDC, json={"id_token": token})


def _bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def tenants(make):
    return two_tenants(make)


def test_a_valid_token_logs_in_with_the_mapped_roles(client, tenants, keys):
    headers = _bearer(_login(client, id_token(keys)))
    me = client.get(ME, headers=headers).get_json()
    assert me["username"] == "rina.oidc" and me["nama"] == "Rina Marlina"
    assert me["eksternal"] is True and me["is_platform_admin"] is False
    assert me["tenants"] == {A_SLUG: ["officer"], B_SLUG: ["auditor"]}
    # The roles hold on the API: an officer reads Balangan's people; an auditor in Tabalong
    # reads its staff but not its people.
    assert client.get(url(A_SLUG, "persons"), headers=headers).status_code == 200
    assert client.get(url(B_SLUG, "staff"), headers=headers).status_code == 200
    error_of(client.get(url(B_SLUG, "persons"), headers=headers), 403, "tidak_berwenang")


def test_an_es256_token_is_accepted_too(client, tenants, keys):
    headers = _bearer(_login(client, id_token(keys, key="ec", kid="ec-1", alg="ES256")))
    assert client.get(url(A_SLUG, "persons"), headers=headers).status_code == 200


def test_roles_follow_the_claim_at_the_next_login(client, tenants, keys):
    first = _bearer(_login(client, id_token(keys)))
    second = _bearer(_login(client, id_token(keys, kesos_roles=[f"{B_SLUG}:officer", "platform_admin"])))
    me = client.get(ME, headers=second).get_json()
    assert me["tenants"] == {B_SLUG: ["officer"]} and me["is_platform_admin"] is True
    # Roles are the account's, not the token's: the earlier session sees the new roles too.
    error_of(client.get(url(A_SLUG, "persons"), headers=first), 403, "tidak_berwenang")
    assert client.get("/api/v1/tenants", headers=first).status_code == 200
    # The provider took them away again: gone in Kesos as well.
    third = _bearer(_login(client, id_token(keys, kesos_roles=[])))
    me = client.get(ME, headers=third).get_json()
    assert me["tenants"] == {} and me["is_platform_admin"] is False
    # Still one account for the subject.
    assert client.get(ME, headers=first).get_json()["id"] == me["id"]


def test_unknown_tenants_and_roles_are_ignored_and_the_mapping_audited(client, kernel, tenants, keys):
    claim = [f"{A_SLUG}:officer", "kotabaru:officer", f"{A_SLUG}:bupati", "officer", 7]
    headers = _bearer(_login(client, id_token(keys, kesos_roles=claim)))
    assert client.get(ME, headers=headers).get_json()["tenants"] == {A_SLUG: ["officer"]}
    with kernel.db.unit_of_work() as s:
        entry = s.scalar(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "auth.oidc_login"))
        assert entry is not None
        assert entry.summary == {
            "username": "rina.oidc",
            "peran": {A_SLUG: ["officer"]},
            "platform_admin": False,
            "diabaikan": ["kotabaru:officer", f"{A_SLUG}:bupati", "officer", "7"],
        }


def test_the_username_falls_back_to_the_subject(client, tenants, keys):
    headers = _bearer(_login(client, id_token(keys, preferred_username=None, sub="petugas-42")))
    assert client.get(ME, headers=headers).get_json()["username"] == "petugas-42"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"iss": "https://sso.tempat-lain.example/realms/x"}, "oidc_penerbit_salah"),
        ({"aud": "aplikasi-lain"}, "oidc_audiens_salah"),
        ({"aud": ["aplikasi-lain", CLIENT_ID], "azp": "aplikasi-lain"}, "oidc_audiens_salah"),
        ({"exp": datetime.now(timezone.utc) - timedelta(minutes=2)}, "oidc_kedaluwarsa"),
        ({"sub": None}, "oidc_klaim_kurang"),
    ],
    ids=["wrong-issuer", "wrong-audience", "other-authorised-party", "expired", "no-subject"],
)
def test_a_token_with_wrong_claims_is_refused(client, kernel, tenants, keys, change, code):
    body = error_of(_login(client, id_token(keys, **change)), 401, code)
    assert body["message"]
    with kernel.db.unit_of_work() as s:
        assert s.scalar(select(User).where(User.eksternal.is_(True))) is None


def test_a_little_clock_skew_is_tolerated(client, tenants, keys):
    token = id_token(keys, exp=datetime.now(timezone.utc) - timedelta(seconds=5))
    assert _login(client, token).status_code == 200


@pytest.mark.parametrize(
    "make_token, code",
    [
        # Signed by a key the provider never published, under the provider's kid.
        (lambda k: id_token(k, key="stranger"), "oidc_tanda_tangan_salah"),
        (lambda k: id_token(k, kid="rsa-lama"), "oidc_kunci_tidak_dikenal"),
        # An RSA signature claiming the EC key's kid.
        (lambda k: id_token(k, kid="ec-1"), "oidc_tanda_tangan_salah"),
        (lambda k: jwt.encode({"iss": ISSUER, "aud": CLIENT_ID, "sub": "x"}, "rahasia-bersama-yang-panjang-sekali", algorithm="HS256", headers={"kid": "rsa-1"}), "oidc_token_tidak_sah"),
        (lambda k: "bukan.sebuah.jwt", "oidc_token_tidak_sah"),
    ],
    ids=["bad-signature", "unknown-kid", "key-of-another-algorithm", "hs256", "garbage"],
)
def test_a_token_not_signed_by_the_provider_is_refused(client, tenants, keys, make_token, code):
    body = error_of(_login(client, make_token(keys)), 401, code)
    assert "token" not in body


def test_an_oidc_token_can_be_revoked_like_any_other(client, tenants, keys):
    headers = _bearer(_login(client, id_token(keys)))
    assert client.post("/api/v1/auth/logout-semua", headers=headers).status_code == 204
    error_of(client.get(ME, headers=headers), 401, "token_tidak_sah")


def test_an_external_account_has_no_local_password(client, tenants, keys):
    headers = _bearer(_login(client, id_token(keys)))
    error_of(client.post("/api/v1/auth/login", json={"username": "rina.oidc", "password": "!eksternal"}), 401, "login_gagal")
    body = error_of(
        client.post("/api/v1/auth/kata-sandi", json={"kata_sandi_lama": "apa-saja-12345", "kata_sandi_baru": "Hulu-Sungai-Utara-88"}, headers=headers),
        409, "akun_eksternal",
    )
    assert "penyedia identitas" in body["message"]


def test_a_provider_user_cannot_take_over_a_local_account_by_its_name(client, make, tenants, keys):
    local = make.user("admin-balangan", {A_SLUG: ["tenant_admin"]})
    body = error_of(_login(client, id_token(keys, preferred_username="admin-balangan", kesos_roles=["platform_admin"])), 409, "nama_pengguna_bentrok")
    assert "admin-balangan" in body["message"]
    me = client.get(ME, headers=local.headers).get_json()
    assert me["is_platform_admin"] is False and me["eksternal"] is False
    assert client.post("/api/v1/auth/login", json={"username": "admin-balangan", "password": PASSWORD}).status_code == 200


def test_oidc_is_off_by_default(build_app, tenants, keys):
    client = build_app().test_client()
    error_of(_login(client, id_token(keys)), 404, "oidc_tidak_aktif")


def test_the_endpoint_is_documented(client):
    op = client.get("/api/openapi.json").get_json()["paths"][OIDC]["post"]
    assert op["security"] == [] and {"200", "401", "404"} <= set(op["responses"])
    schema_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"][schema_ref]
    assert schema["required"] == ["id_token"]


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"KESOS_OIDC_ISSUER": ISSUER}, "KESOS_OIDC_CLIENT_ID"),
        ({"KESOS_OIDC_ISSUER": ISSUER, "KESOS_OIDC_CLIENT_ID": CLIENT_ID}, "KESOS_OIDC_JWKS_URL atau KESOS_OIDC_JWKS_FILE"),
        ({"KESOS_OIDC_ISSUER": ISSUER, "KESOS_OIDC_CLIENT_ID": CLIENT_ID, "KESOS_OIDC_JWKS_FILE": "/tidak/ada.json"}, "tidak ditemukan"),
    ],
)
def test_an_incomplete_configuration_stops_start_up(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


class _JwksServer:
    """A JWKS endpoint on localhost that counts its requests."""

    def __init__(self, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/realms/pemda/protocol/openid-connect/certs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def jwks_server(keys):
    server = _JwksServer(_jwks(keys))
    yield server
    server.close()


def test_a_jwks_url_is_fetched_at_the_first_login_and_cached(build_app, tenants, keys, jwks_server):
    app = build_app({"KESOS_OIDC_ISSUER": ISSUER, "KESOS_OIDC_CLIENT_ID": CLIENT_ID, "KESOS_OIDC_JWKS_URL": jwks_server.url})
    # Nothing is fetched at start-up.
    assert jwks_server.hits == []
    client = app.test_client()
    _bearer(_login(client, id_token(keys)))
    _bearer(_login(client, id_token(keys, key="ec", kid="ec-1", alg="ES256")))
    assert len(jwks_server.hits) == 1


def test_an_unreachable_jwks_url_answers_503(build_app, tenants, keys):
    server = _JwksServer({"keys": []})
    unreachable = server.url
    server.close()  # the port is now closed: connection refused
    client = build_app({"KESOS_OIDC_ISSUER": ISSUER, "KESOS_OIDC_CLIENT_ID": CLIENT_ID, "KESOS_OIDC_JWKS_URL": unreachable}).test_client()
    error_of(_login(client, id_token(keys)), 503, "oidc_kunci_tidak_tersedia")
