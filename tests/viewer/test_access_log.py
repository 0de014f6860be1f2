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


def _request(environ_extra=None, headers=(), response_headers=()):
    environ = {"REMOTE_ADDR": "203.0.113.77", "REMOTE_PORT": "50123", "REQUEST_METHOD": "POST",
               "SERVER_PROTOCOL": "HTTP/1.1", "RAW_URI": "/api/bookings?lang=en", "PATH_INFO": "/api/bookings",
               "QUERY_STRING": "lang=en", "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"', **(environ_extra or {})}
    request = SimpleNamespace(headers=[("USER-AGENT", environ["HTTP_USER_AGENT"]), *headers])
    response = SimpleNamespace(status="201 CREATED", sent=180,
                               headers=[("Content-Type", "application/json"), *response_headers])
    return response, request, environ


def test_atoms_read_as_gunicorns_own_for_everything_but_the_address(monkeypatch, tmp_path):
    """Each atom is worked out only when the format names it, with gunicorn's meanings: every one-letter atom,
    headers in any case, quotes escaped, '-' for what is missing."""
    from gunicorn import glogging

    monkeypatch.setenv("JINSHI_HOME", str(tmp_path))
    monkeypatch.setenv("JINSHI_SECRET_KEY", "test-secret")
    config = Config()
    letters = "l u r s m U q H b B f a T D M L p".split()
    config.set("access_log_format", " ".join(f"%({k})s" for k in letters)
               + " %({User-Agent}i)s %({content-type}o)s %({PATH_INFO}e)s %({x-missing}i)s %({nothing}e)s")
    elapsed = datetime.timedelta(seconds=1, microseconds=234567)
    ours, stock = AccessLogger(config), glogging.Logger(config)
    line = config.access_log_format % ours.atoms(*_request(), elapsed)
    expected = config.access_log_format % glogging.SafeAtoms(stock.atoms(*_request(), elapsed))
    assert line == expected
    assert '201 POST /api/bookings lang=en HTTP/1.1 180 180 - Mozilla/5.0 \\"quoted\\" 1 1234567 1234' in line


def test_no_format_writes_an_address_a_credential_or_a_token(monkeypatch, tmp_path):
    monkeypatch.setenv("JINSHI_HOME", str(tmp_path))
    monkeypatch.setenv("JINSHI_SECRET_KEY", "test-secret")
    config = Config()
    config.set("access_log_format", "%({remote_addr}e)s %({REMOTE_PORT}e)s %({http_x_forwarded_for}e)s "
               "%({http_cookie}e)s %({HTTP_AUTHORIZATION}e)s %({set-cookie}o)s %({raw_uri}e)s %({query_string}e)s "
               "%({location}o)s %({x-real-ip}i)s %({authorization}i)s")
    response, request, environ = _request(
        {"HTTP_X_FORWARDED_FOR": "198.51.100.9", "HTTP_COOKIE": "session=abc", "HTTP_AUTHORIZATION": "Bearer k3y",
         "RAW_URI": "/tickets/AB?token=s3cr3t", "QUERY_STRING": "token=s3cr3t"},
        headers=[("X-REAL-IP", "198.51.100.9"), ("AUTHORIZATION", "Bearer k3y")],
        response_headers=[("Set-Cookie", "session=abc"), ("Location", "/tickets/AB?token=s3cr3t&lang=en")])
    line = config.access_log_format % AccessLogger(config).atoms(response, request, environ, datetime.timedelta(0))
    for secret in ("203.0.113.77", "50123", "198.51.100.9", "abc", "k3y", "s3cr3t"):
        assert secret not in line, (secret, line)
    assert "token=***" in line and "/tickets/AB?token=***&lang=en" in line
