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
