from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from personas import services
from personas.models import Persona, PersonaRevision, ReferenceClip
from personas.validators import validate_audio, validate_vrm


class PersonaAdminForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = "__all__"

    def clean_avatar_vrm(self):
        upload = self.cleaned_data.get("avatar_vrm")
        if upload and hasattr(upload, "content_type"):
            validate_vrm(upload)
        return upload


class ReferenceClipForm(forms.ModelForm):
    class Meta:
        model = ReferenceClip
        fields = "__all__"

    def clean_audio(self):
        upload = self.cleaned_data.get("audio")
        if upload and hasattr(upload, "content_type"):
            validate_audio(upload)
        return upload

    def _post_clean(self) -> None:
        # A refused upload already says what is wrong; the model's "upload a clip or
        # give a path" check would only add a confusing second error.
        if not self.has_error("audio"):
            super()._post_clean()


class ReferenceClipInline(admin.TabularInline):
    model = ReferenceClip
    form = ReferenceClipForm
    extra = 0


class RevisionInline(admin.TabularInline):
    model = PersonaRevision
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "note", "changed_fields"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="What changed")
    def changed_fields(self, revision: PersonaRevision) -> str:
        return format_html_join(
            "",
            "<div><b>{}</b>: {} → {}</div>",
            ((field, str(old)[:80], str(new)[:80]) for field, (old, new) in revision.changes.items()),
        )


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    form = PersonaAdminForm
    list_display = ["name", "slug", "language", "llm_model", "tts_backend", "is_active", "updated_at"]
    list_filter = ["is_active", "language", "tts_backend", "avatar_style"]
    search_fields = ["name", "slug", "description", "system_prompt"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ReferenceClipInline, RevisionInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "is_active"]}),
        ("Mind", {"fields": ["system_prompt", "greeting", "language", "llm_model", "temperature", "emotions"]}),
        ("Voice", {"fields": ["tts_backend", "espeak_voice", "speech_rate", "pitch", "openai_voice"]}),
        ("Avatar", {"fields": ["avatar_style", "avatar_vrm"]}),
    ]

    def save_model(self, request, obj: Persona, form, change: bool) -> None:
        # Taken before anything is saved; recorded after the inlines (voice clips) are.
        request._persona_before = services.snapshot(Persona.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.record_revision(form.instance, getattr(request, "_persona_before", None), request.user)


@admin.register(PersonaRevision)
class PersonaRevisionAdmin(admin.ModelAdmin):
    list_display = ["persona", "changed_at", "changed_by", "note"]
    list_filter = ["persona", "changed_at"]
    search_fields = ["persona__name", "note"]
    readonly_fields = ["persona", "changed_by", "changed_at", "changes", "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
