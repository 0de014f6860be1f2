"""`jinshi serve`'s access log holds no client address and no secret from a URL (a live server: test_cli.py)."""
import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from viewer.access_log import AccessLogger, mask_secrets


def test_an_access_line_carries_a_fingerprint_for_the_address_and_masks_secret_parameters(monkeypatch, tmp_path):
    monkeypatch.setenv("JINSHI_HOME", str(tmp_path))
    monkeypatch.setenv("JINSHI_SECRET_KEY", "test-secret")
    config = Config()
    config.set("access_log_format", '%(h)s "%(r)s" %(q)s "%(f)s" %({cookie}i)s %({x-forwarded-for}i)s')
    logger = AccessLogger(config)
    environ = {"REMOTE_ADDR": "203.0.113.77", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "RAW_URI": "/tickets/ABCD?token=s3cr3t-manage&lang=en", "PATH_INFO": "/tickets/ABCD",
               "QUERY_STRING": "token=s3cr3t-manage&lang=en",
               "HTTP_REFERER": "https://museum.example/tickets/ABCD?lang=en&token=s3cr3t-manage"}
    request = SimpleNamespace(headers=[("COOKIE", "session=abc"), ("X-FORWARDED-FOR", "198.51.100.9"),
                                       ("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert "203.0.113.77" not in line and "198.51.100.9" not in line and "s3cr3t" not in line and "abc" not in line
    assert atoms["h"] != "-" and len(atoms["h"]) == 16  # the same client, the same fingerprint
    assert atoms["h"] == logger.atoms(response, request, dict(environ), datetime.timedelta(0))["h"]
    assert "token=***&lang=en" in line and "lang=en&token=***" in line


def test_only_secret_parameters_are_masked():
    assert mask_secrets("/search?q=token&page=2") == "/search?q=token&page=2"
    assert mask_secrets("id_number=110101199003074514&x=1") == "id_number=***&x=1"
    assert mask_secrets("/a?Token=Z") == "/a?Token=***"
    assert mask_secrets(None) is None
