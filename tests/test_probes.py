"""Health and metrics answer for any Host (Prometheus scrapes replicas by IP)."""

from __future__ import annotations


def test_health_answers_for_an_unlisted_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200 and response.content == b"ok"


def test_metrics_answer_for_an_unlisted_host(client):
    response = client.get("/metrics", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert b"avatar_active_sessions" in response.content


def test_other_pages_still_check_the_host(client):
    assert client.get("/login/", HTTP_HOST="10.0.3.7:8000").status_code == 400
