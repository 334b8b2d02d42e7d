"""A run reads its inputs and nothing else: no writes under resources/ or config/,
no network connection, no fetch while rendering."""

import hashlib
import os
import subprocess
import sys

import pytest

from reviewflow.report.render import render_pdf

NO_NETWORK = """
import socket

def _refuse(*args, **kwargs):
    raise OSError("reviewflow test: network access during a run")

_connect = socket.socket.connect
def _connect_local_only(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse()
    return _connect(self, address)

socket.socket.connect = _connect_local_only
socket.socket.connect_ex = _connect_local_only
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
"""


def snapshot(*folders):
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_guard_really_blocks_connections(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    probe = "import socket; socket.create_connection(('127.0.0.1', 9))"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "network access during a run" in done.stderr


def test_rendering_never_fetches():
    with pytest.raises(BaseException, match="may not fetch"):  # WeasyPrint's fatal error is not an Exception
        render_pdf('<html><body><img src="http://example.org/logo.png"></body></html>')
