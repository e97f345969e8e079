"""Admin for ratings, fine-tuning exports and fine-tuning jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from feedback import admin_views, finetune
from feedback.models import ConversationRating, FineTuneExport, FineTuneJob, TurnRating
from feedback.tasks import submit_finetune_job
from personas.models import Persona


@admin.register(TurnRating)
class TurnRatingAdmin(admin.ModelAdmin):
    list_display = ["turn", "score", "user", "persona", "updated_at"]
    list_filter = ["score", "turn__conversation__persona", "updated_at"]
    search_fields = ["comment", "turn__text", "user__username"]
    raw_id_fields = ["turn", "user"]
    change_list_template = "admin/feedback/turnrating/change_list.html"

    @admin.display(ordering="turn__conversation__persona__name")
    def persona(self, rating: TurnRating) -> str:
        return str(rating.turn.conversation.persona)

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: admin_views.rating_analytics(self, request))
        return [path("analytics/", view, name="feedback_rating_analytics"), *super().get_urls()]


@admin.register(ConversationRating)
class ConversationRatingAdmin(admin.ModelAdmin):
    list_display = ["conversation", "score", "user", "updated_at"]
    list_filter = ["score", "conversation__persona", "updated_at"]
    search_fields = ["comment", "user__username", "conversation__title"]
    raw_id_fields = ["conversation", "user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows made by services, not typed in: viewable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _progress_bar(export: FineTuneExport) -> str:
    return format_html('<progress max="100" value="{}"></progress> {}%', export.progress, export.progress)


@admin.register(FineTuneExport)
class FineTuneExportAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "status",
        "progress_display",
        "personas",
        "kept",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "created_at"]
    fields = [
        "status",
        "progress_display",
        "error",
        "options_display",
        "report_display",
        "downloads",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
    actions = ["submit_to_openai"]
    change_list_template = "admin/feedback/finetuneexport/change_list.html"
    change_form_template = "admin/feedback/finetuneexport/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "start/",
                wrap(lambda r: admin_views.start_export(self, r)),
                name="feedback_finetuneexport_start",
            ),
            path(
                "<int:export_id>/download/<str:kind>/",
                wrap(admin_views.download),
                name="feedback_finetuneexport_download",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Progress", ordering="progress")
    def progress_display(self, export: FineTuneExport) -> str:
        return _progress_bar(export)

    @admin.display(description="Personas")
    def personas(self, export: FineTuneExport) -> str:
        ids = export.options.get("persona_ids") or []
        names = Persona.objects.filter(pk__in=ids).values_list("name", flat=True)
        return ", ".join(names) if ids else "All"

    @admin.display(description="Examples kept")
    def kept(self, export: FineTuneExport) -> int | None:
        return export.report.get("kept")

    @admin.display(description="Options")
    def options_display(self, export: FineTuneExport) -> str:
        return _table(export.options.items())

    @admin.display(description="Report")
    def report_display(self, export: FineTuneExport) -> str:
        report = export.report
        if not report:
            return "—"
        rows = [(key, value) for key, value in report.items() if not isinstance(value, dict)]
        rows += [
            (key, _table(value.items()) if value else "—") for key, value in report.items() if isinstance(value, dict)
        ]
        return _table(rows)

    @admin.display(description="Files")
    def downloads(self, export: FineTuneExport) -> str:
        links = [
            (
                reverse("admin:feedback_finetuneexport_download", args=[export.pk, kind]),
                kind,
                getattr(export, field).name,
            )
            for kind, field in admin_views.FILE_KINDS.items()
            if getattr(export, field)
        ]
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}">Download {}</a> <code>{}</code>', links)

    @admin.action(description="Submit as an OpenAI fine-tuning job")
    def submit_to_openai(self, request: HttpRequest, queryset: QuerySet) -> None:
        for export in queryset:
            try:
                job = finetune.create_job(export, user=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            transaction.on_commit(lambda job_id=job.pk: submit_finetune_job.delay(job_id))
            self.message_user(request, f"Export #{export.pk} is being submitted as job #{job.pk}.")


@admin.register(FineTuneJob)
class FineTuneJobAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "status",
        "base_model",
        "fine_tuned_model",
        "persona",
        "export",
        "short_error",
        "updated_at",
    ]
    list_filter = ["status"]
    fields = [
        "status",
        "job_id",
        "export",
        "persona",
        "base_model",
        "training_file_id",
        "validation_file_id",
        "fine_tuned_model",
        "model_applied_at",
        "error",
        "events_display",
        "submitted_by",
        "created_at",
        "updated_at",
        "finished_at",
    ]
    readonly_fields = fields
    actions = ["refresh_status", "set_model_on_persona"]

    @admin.display(description="Error")
    def short_error(self, job: FineTuneJob) -> str:
        return job.error[:120]

    @admin.display(description="Events")
    def events_display(self, job: FineTuneJob) -> str:
        rows = [
            (
                datetime.fromtimestamp(event["created_at"], UTC).strftime("%Y-%m-%d %H:%M:%S"),
                event["level"],
                event["message"],
            )
            for event in job.events
        ]
        if not rows:
            return "—"
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description="Refresh status from OpenAI now")
    def refresh_status(self, request: HttpRequest, queryset: QuerySet) -> None:
        jobs = [finetune.poll_job(job) for job in queryset.exclude(job_id="")]
        self.message_user(request, f"{len(jobs)} job(s) refreshed.")

    @admin.action(description="Set the fine-tuned model on the persona")
    def set_model_on_persona(self, request: HttpRequest, queryset: QuerySet) -> None:
        for job in queryset.select_related("persona"):
            try:
                persona = finetune.apply_model(job, request.user)
            except finetune.CannotApply as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{persona} now uses {persona.llm_model}.")


def _table(rows) -> str:
    return format_html(
        '<table class="feedback-report">{}</table>',
        format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
    )
