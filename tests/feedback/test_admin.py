"""Admin pages: analytics, export list/detail, starting an export, downloads."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from feedback import services
from feedback.export import ExportOptions
from feedback.models import FineTuneExport
from tests.feedback.conftest import Exchange, make_conversation

pytestmark = pytest.mark.usefixtures("media_root", "eager_celery")


@pytest.fixture
def admin_client_(client, admin_user_):
    client.force_login(admin_user_)
    return client


@pytest.fixture
def rated(alice, persona):
    return make_conversation(
        alice,
        persona,
        [
            Exchange("안녕", "안녕하세요!", score=5),
            Exchange("뭐해?", "그냥 있어요.", score=1, emotion="neutral"),
            Exchange("재밌다", "고마워요!", score=4),
        ],
    )


def test_rating_analytics_shows_counts_distribution_trend_and_worst_answers(admin_client_, rated, persona):
    changelist = admin_client_.get(reverse("admin:feedback_turnrating_changelist")).content.decode()
    url = reverse("admin:feedback_rating_analytics")
    assert url in changelist

    page = admin_client_.get(url, {"persona": persona.pk}).content.decode()

    assert "Haru" in page
    assert "<strong>3</strong> rated answers, mean <strong>3.33</strong>" in page
    assert "<th>1★</th><td>1</td>" in page and "<th>2★</th><td>0</td>" in page
    assert "2026-03-02" in page  # the week (Monday) of the answers
    assert "그냥 있어요." in page and "안녕하세요!" not in page.split("Lowest-rated")[1]
    worst = rated.turns.get(text="그냥 있어요.")
    assert f"/conversations/{rated.pk}/#turn-{worst.pk}" in page
    assert reverse("admin:feedback_turnrating_change", args=[worst.rating.pk]) in page


def test_analytics_without_ratings_says_so(admin_client_):
    page = admin_client_.get(reverse("admin:feedback_rating_analytics")).content.decode()

    assert "No rated answers yet." in page


def test_starting_an_export_from_the_admin_runs_it_and_offers_its_files(
    admin_client_, rated, persona, django_capture_on_commit_callbacks
):
    start = reverse("admin:feedback_finetuneexport_start")
    assert start in admin_client_.get(reverse("admin:feedback_finetuneexport_changelist")).content.decode()
    assert "Start export" in admin_client_.get(start).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            start,
            {
                "personas": [persona.pk],
                "min_rating": 4,
                "context_turns": 2,
                "interrupted": "spoken",
                "max_tokens": 2000,
                "min_examples": 1,
                "validation_fraction": 0.5,
                "seed": 1,
            },
        )

    export = FineTuneExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:feedback_finetuneexport_change", args=[export.pk])
    assert export.status == "succeeded" and export.options["persona_ids"] == [persona.pk]
    detail = admin_client_.get(response["Location"]).content.decode()
    train = reverse("admin:feedback_finetuneexport_download", args=[export.pk, "train"])
    assert train in detail and "train_examples" in detail and 'value="100"' in detail
    listing = admin_client_.get(reverse("admin:feedback_finetuneexport_changelist")).content.decode()
    assert "Haru" in listing and "Succeeded" in listing

    download = admin_client_.get(train)
    body = b"".join(download.streaming_content).decode()
    assert download["Content-Disposition"] == f'attachment; filename="export-{export.pk}-train.jsonl"'
    assert [json.loads(line)["messages"][-1]["role"] for line in body.splitlines()] == ["assistant"]


def test_the_start_form_rejects_reversed_dates(admin_client_):
    response = admin_client_.post(
        reverse("admin:feedback_finetuneexport_start"),
        {
            "date_from": "2026-03-10",
            "date_to": "2026-03-01",
            "min_rating": 4,
            "context_turns": 2,
            "interrupted": "spoken",
            "max_tokens": 2000,
            "min_examples": 1,
            "validation_fraction": 0.1,
            "seed": 1,
        },
    )

    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    assert not FineTuneExport.objects.exists()


def test_a_running_export_page_refreshes_itself(admin_client_):
    export = services.create_export(ExportOptions())

    page = admin_client_.get(reverse("admin:feedback_finetuneexport_change", args=[export.pk]))

    assert 'http-equiv="refresh"' in page.content.decode()


def test_downloads_are_for_admins_only(client, alice, rated):
    export = services.execute_export(services.create_export(ExportOptions(min_examples=1)).pk)
    url = reverse("admin:feedback_finetuneexport_download", args=[export.pk, "train"])
    client.force_login(alice)

    response = client.get(url)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
