"""TLS to the central service with the utility's own CA (config.toml [sync] ca_file)."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading

import httpx
import pytest

from app.domain.core.errors import SyncError
from sync.client import tls_verification


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture
def pki(tmp_path):
    """A private CA and a certificate for 127.0.0.1 signed by it."""
    ca_key, ca_crt = tmp_path / "ca.key", tmp_path / "ca.crt"
    key, csr, crt, ext = (tmp_path / name for name in ("srv.key", "srv.csr", "srv.crt", "ext.cnf"))
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca_crt),
            "-days", "2", "-subj", "/CN=Utility Test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
            "-subj", "/CN=127.0.0.1")
    ext.write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key), "-CAcreateserial",
            "-out", str(crt), "-days", "2", "-extfile", str(ext))
    return ca_crt, crt, key


@pytest.fixture
def https_server(pki):
    _, crt, key = pki

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"status":"ok"}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(crt), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_utilitys_ca_is_trusted_when_configured(pki, https_server):
    ca_crt, _, _ = pki
    with httpx.Client(verify=tls_verification(str(ca_crt))) as client:
        assert client.get(f"{https_server}/health").json() == {"status": "ok"}


def test_without_the_ca_the_certificate_is_refused(https_server):
    with httpx.Client(verify=tls_verification("")) as client, pytest.raises(httpx.ConnectError):
        client.get(f"{https_server}/health")


def test_an_unusable_ca_file_is_named(tmp_path):
    with pytest.raises(SyncError, match="cannot be used"):
        tls_verification(str(tmp_path / "missing.crt"))
