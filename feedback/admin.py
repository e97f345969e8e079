from django.contrib import admin

from feedback.models import ConversationRating, TurnRating


@admin.register(TurnRating)
class TurnRatingAdmin(admin.ModelAdmin):
    list_display = ["turn", "score", "user", "persona", "updated_at"]
    list_filter = ["score", "turn__conversation__persona", "updated_at"]
    search_fields = ["comment", "turn__text", "user__username"]
    raw_id_fields = ["turn", "user"]

    @admin.display(ordering="turn__conversation__persona__name")
    def persona(self, rating: TurnRating) -> str:
        return str(rating.turn.conversation.persona)


@admin.register(ConversationRating)
class ConversationRatingAdmin(admin.ModelAdmin):
    list_display = ["conversation", "score", "user", "updated_at"]
    list_filter = ["score", "conversation__persona", "updated_at"]
    search_fields = ["comment", "user__username", "conversation__title"]
    raw_id_fields = ["conversation", "user"]
