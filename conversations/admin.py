from django.contrib import admin

from conversations.models import Conversation, Turn


class TurnInline(admin.TabularInline):
    model = Turn
    extra = 0
    fields = ["index", "role", "source", "text", "spoken_text", "emotion", "interrupted", "voice_to_voice_ms"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "persona", "started_at", "ended_at"]
    list_filter = ["persona", "started_at"]
    search_fields = ["title", "owner__username", "turns__text"]
    raw_id_fields = ["owner"]
    inlines = [TurnInline]


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["conversation", "index", "role", "emotion", "interrupted", "voice_to_voice_ms", "ended_at"]
    list_filter = ["role", "interrupted", "source", "conversation__persona"]
    search_fields = ["text"]
    raw_id_fields = ["conversation"]
