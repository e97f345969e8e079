"""Conversation API: create, list and fetch the caller's own conversations."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.history import search_conversations, start_conversation
from conversations.models import Conversation, Turn
from personas.models import Persona


class RatingSummarySerializer(serializers.Serializer):
    """A turn's or a conversation's rating; null when not rated."""

    score = serializers.IntegerField()
    comment = serializers.CharField()


class TurnSerializer(serializers.ModelSerializer):
    rating = RatingSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Turn
        fields = [
            "id",
            "index",
            "role",
            "source",
            "text",
            "spoken_text",
            "emotion",
            "interrupted",
            "interrupted_by",
            "started_at",
            "ended_at",
            "stt_ms",
            "llm_first_token_ms",
            "tts_first_audio_ms",
            "voice_to_voice_ms",
            "total_ms",
            "rating",
        ]


class ConversationSerializer(serializers.ModelSerializer):
    persona = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    websocket_path = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = ["id", "persona", "title", "started_at", "ended_at", "websocket_path"]

    def get_websocket_path(self, conversation: Conversation) -> str:
        return f"/ws/conversations/{conversation.pk}/"


class ConversationDetailSerializer(ConversationSerializer):
    turns = TurnSerializer(many=True, read_only=True)
    rating = RatingSummarySerializer(read_only=True, allow_null=True)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "turns", "rating"]


class ConversationCreateSerializer(serializers.Serializer):
    persona = serializers.SlugRelatedField(slug_field="slug", queryset=Persona.objects.active())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ConversationListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("persona", str)],
        responses=ConversationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The caller's conversations, newest first; `q` searches text, `persona` filters."""
        found = search_conversations(
            request.user, request.query_params.get("q", ""), request.query_params.get("persona", "")
        )
        return Response(ConversationSerializer(found[:200], many=True).data)

    @extend_schema(request=ConversationCreateSerializer, responses={201: ConversationSerializer})
    def post(self, request: Request) -> Response:
        """Start a conversation with a persona (by slug)."""
        data = ConversationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = start_conversation(
            request.user, data.validated_data["persona"], data.validated_data.get("title", "")
        )
        return Response(ConversationSerializer(conversation).data, status=status.HTTP_201_CREATED)


class ConversationDetailView(APIView):
    @extend_schema(responses=ConversationDetailSerializer)
    def get(self, request: Request, conversation_id: int) -> Response:
        """One of the caller's conversations with all its turns."""
        conversation = get_object_or_404(
            Conversation.objects.owned_by(request.user).prefetch_related("turns__rating"),
            pk=conversation_id,
        )
        return Response(ConversationDetailSerializer(conversation).data)
