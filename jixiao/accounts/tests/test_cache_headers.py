"""What a signed-in person is shown is never kept in a cache; public pages and static files keep theirs."""

from django.conf import settings


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_and_downloads_are_not_stored(cast, login):
    client = login(cast.office)
    for url in ["/", "/org/cadres/", "/account/password/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
        assert "private" in response["Cache-Control"], url


def test_personal_data_download_is_not_stored(cast, login):
    response = login(cast.office).get("/org/cadres/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert no_store(response)


def test_refusals_to_a_signed_in_person_are_not_stored_either(cast, login):
    response = login(cast.outsider).get("/org/cadres/export.xlsx")
    assert response.status_code == 403
    assert no_store(response)


def test_public_pages_and_static_files_keep_their_caching(cast, client, login):
    portal = client.get("/p/results/")
    assert portal.status_code == 200 and not no_store(portal)
    static = client.get(settings.STATIC_URL + "jixiao/app.css")
    assert static.status_code == 200 and not no_store(static)
    # Static files are answered before the session is read, so a signed-in person gets the same caching.
    assert not no_store(login(cast.reporter).get(settings.STATIC_URL + "jixiao/app.css"))
