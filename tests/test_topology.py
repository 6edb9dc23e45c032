"""The pieces of the production topology that deploy/topology.py runs on loopback (the script itself takes two
minutes and is run by hand, docs/deploy.md): nginx's cluster file, the configuration the script builds from it,
and the app servers' systemd template, checked by nginx itself where it is installed."""

import re
import shutil
import subprocess

import pytest

from deploy import topology
from deploy.make_run import ROOT

CLUSTER = (ROOT / "deploy/nginx/jixiao-cluster.conf").read_text()
APP = (ROOT / "deploy/nginx/jixiao-app.conf").read_text()
needs_nginx = pytest.mark.skipif(topology.NGINX is None, reason="nginx is not installed (make system-deps)")


def nginx_test(config, tmp_path):
    (tmp_path / "nginx.conf").write_text(config)
    return subprocess.run([topology.NGINX, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                           "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, check=False)


def test_the_cluster_has_two_or_more_app_servers_each_left_alone_after_a_failure():
    ports = topology.app_ports(CLUSTER)
    assert len(ports) >= 2
    assert len(set(ports)) == len(ports)
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ (.*);$", topology.upstream_block(CLUSTER), re.MULTILINE)
    assert servers == ["max_fails=1 fail_timeout=10s"] * len(ports)


def test_nginx_passes_a_failed_request_on_but_never_replays_a_post_it_sent():
    rules = re.findall(r"^\s*(proxy_next_upstream\S*) (.*);$", CLUSTER, re.MULTILINE)
    assert ("proxy_next_upstream", "error timeout") in rules
    assert all("non_idempotent" not in value for _, value in rules)
    assert ("proxy_next_upstream_tries", "2") in rules


def test_the_loopback_configuration_is_built_from_the_shipped_files(tmp_path):
    ports = [41001 + n for n in range(len(topology.app_ports(CLUSTER)))]
    config = topology.nginx_config(tmp_path, 40999, ports, CLUSTER, APP)
    upstream = re.search(r"upstream jixiao_app \{.*?\}", config, re.DOTALL).group(0)
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=1 fail_timeout=10s;", upstream) == [str(p) for p in ports]
    assert "keepalive 32;" in upstream
    assert "listen 127.0.0.1:40999;" in config
    assert "proxy_next_upstream error timeout;" in config
    assert "limit_conn_zone $binary_remote_addr zone=jixiao_per_address:10m;" in config
    assert f"include {tmp_path}/jixiao-app.conf;" in config
    written = (tmp_path / "jixiao-app.conf").read_text()
    assert "/opt/jixiao/" not in written
    assert f"alias {ROOT}/staticfiles/;" in written


def test_a_started_count_other_than_the_upstream_is_refused(tmp_path):
    with pytest.raises(topology.Failed, match="lists 2 app servers, 3 were started"):
        topology.nginx_config(tmp_path, 40999, [1, 2, 3], CLUSTER, APP)


@needs_nginx
def test_nginx_accepts_the_loopback_configuration(tmp_path):
    config = topology.nginx_config(tmp_path, 40999, [41001, 41002], CLUSTER, APP)
    checked = nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stderr


@needs_nginx
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_nginx_accepts_the_production_cluster_file_with_tls(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # noqa: S607
                    "-nodes", "-days", "1", "-subj", "/CN=jixiao.example.gov.cn", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (CLUSTER.replace("/etc/jixiao/tls/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/jixiao/tls/privkey.pem", str(tmp_path / "key.pem"))
            .replace("/opt/jixiao/", f"{ROOT}/"))
    config = f"events {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n{site}\n}}\n"
    checked = nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stderr


def test_the_app_server_template_starts_granian_as_the_single_unit_does_on_its_instance_port():
    single = (ROOT / "deploy/systemd/jixiao-web.service").read_text()
    template = (ROOT / "deploy/systemd/jixiao-web@.service").read_text()

    def directives(unit):
        return [line for line in unit.splitlines() if "=" in line and not line.startswith(("#", "Description="))]

    expected = [line + " --port %i" if line.startswith("ExecStart=") else line for line in directives(single)]
    assert directives(template) == expected
