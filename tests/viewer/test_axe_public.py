"""axe-core (npm, injected by the test) finds no serious or critical violation on any public page, in zh, en and
zh-Hant: one browser session visits them all."""
import pytest

from tests.support.media_items import ingest_media_items

pytestmark = pytest.mark.browser

PAGES = [
    "/", "/museums/copper", "/museums/copper/halls/bronze-vessels", "/items/cu-ding", "/items/cu-record",
    "/items/media-ding", "/items/media-carving", "/items/media-song", "/search?q=*&period=商",
    "/search?q=nothing-at-all-matches", "/no-such-page", "/activities", "/activities/paper-cutting",
]
#: zh-Hant shares every template with zh: its own fonts and converted values on a few pages are enough.
HANT_PAGES = ["/", "/items/cu-ding", "/search?q=*&period=商", "/no-such-page", "/activities"]


@pytest.fixture
def site(ingested, museum_runtime, tmp_path, live_url):
    from tests.support.bookings import load

    ingest_media_items(museum_runtime, tmp_path / "media")
    load(museum_runtime, tmp_path)
    return live_url


@pytest.fixture
def ticket(site, museum_runtime):
    from exhibits.bookings import service
    from tests.support.bookings import booking_body, first_session

    keys = service.Keys.from_secret(museum_runtime.settings.secret_key)
    booked = service.book(museum_runtime.db, keys, service.parse_request(booking_body(first_session(museum_runtime))))
    return f"/tickets/{booked.booking.code}?token={booked.manage_token}"


def test_no_serious_or_critical_violation_on_any_public_page_in_any_language(site, ticket, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    found = []
    for lang, paths in (("zh", PAGES + [ticket]), ("en", PAGES + [ticket]), ("zh-Hant", HANT_PAGES + [ticket])):
        for path in paths:
            url = f"{site}{path}{'&' if '?' in path else '?'}lang={lang}"
            page.goto(url)
            page.add_script_tag(url=f"{site}/vendor/axe-core/axe.min.js")
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    found.append((lang, path, violation["id"], [n["target"] for n in violation["nodes"][:3]]))
    context.close()
    assert found == [], "\n".join(map(str, found))
