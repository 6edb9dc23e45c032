"""Loading a SQLite copy into a live WAL database, whatever page size the copy was written with."""

import sqlite3

import pytest

from jixiao.backup import database


def connect(path, **pragmas) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    for name, value in pragmas.items():
        connection.execute(f"PRAGMA {name}={value}")
    return connection


@pytest.fixture
def live_and_copy(tmp_path):
    live = connect(tmp_path / "live.sqlite3", journal_mode="WAL")
    live.execute("CREATE TABLE old (x)")
    copy = connect(tmp_path / "copy.sqlite3", page_size=8192)
    copy.execute("CREATE TABLE restored (y)")
    copy.execute("INSERT INTO restored VALUES ('备份中的行')")
    yield live, copy
    live.close()
    copy.close()


def test_a_wal_database_cannot_take_a_copy_of_another_page_size_as_it_is(live_and_copy):
    live, copy = live_and_copy
    with pytest.raises(sqlite3.OperationalError):
        copy.backup(live)


def test_the_copy_takes_the_live_page_size_first(live_and_copy):
    live, copy = live_and_copy
    database.fit_page_size(copy, live.execute("PRAGMA page_size").fetchone()[0])
    copy.backup(live)
    assert live.execute("SELECT y FROM restored").fetchall() == [("备份中的行",)]
    assert live.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
