def test_healthz_answers_when_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_office_admin_sees_home(cast, login):
    client = login(cast.office)
    response = client.get("/")
    assert response.status_code == 200
    assert "工作台" in response.content.decode()


def test_page_titles_name_the_page_then_the_platform(cast, login):
    import re

    client = login(cast.office)
    for url, expected in [("/", "工作台 · 示范区绩效管理平台"), ("/org/units/", "单位管理 · 示范区绩效管理平台")]:
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)
        assert title == expected
    assert '<link rel="icon"' in client.get("/").content.decode()
