"""Admin-only pages: start an export, download its files, rating analytics."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from feedback import analytics, services
from feedback.forms import ExportOptionsForm
from feedback.models import FineTuneExport

FILE_KINDS = {"train": "train_file", "validation": "validation_file"}


def start_export(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The export options form; a valid post queues the export and shows it."""
    form = ExportOptionsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = services.start_export(form.options(), request.user)
        messages.success(request, f"Export #{export.pk} queued; this page shows its progress.")
        return redirect("admin:feedback_finetuneexport_change", export.pk)
    context = {
        **admin.site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Start a fine-tuning export",
        "form": form,
    }
    return TemplateResponse(request, "admin/feedback/export_start.html", context)


def download(request: HttpRequest, export_id: int, kind: str) -> FileResponse:
    """Stream one of an export's JSONL files (the admin site checks staff access)."""
    if kind not in FILE_KINDS:
        raise Http404("No such file.")
    export = get_object_or_404(FineTuneExport, pk=export_id)
    field = getattr(export, FILE_KINDS[kind])
    if not field:
        raise Http404("This export has no such file.")
    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"export-{export.pk}-{kind}.jsonl",
        content_type="application/jsonl",
    )


def rating_analytics(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Count, mean, distribution, weekly trend and worst answers per persona."""
    try:
        persona_id = int(request.GET.get("persona", "") or 0) or None
    except ValueError:
        persona_id = None
    context = {
        **admin.site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Rating analytics",
        "sections": analytics.all_persona_ratings(persona_id),
        "rating_url": reverse("admin:feedback_turnrating_changelist"),
    }
    return TemplateResponse(request, "admin/feedback/rating_analytics.html", context)
