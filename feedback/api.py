"""Rating API: one rating per answer and per conversation, replaced when sent again."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations.models import Conversation, Turn
from feedback import services


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(read_only=True)


class TurnRatingView(APIView):
    @extend_schema(request=RatingSerializer, responses=RatingSerializer)
    def put(self, request: Request, turn_id: int) -> Response:
        """Rate one of the avatar's answers in the caller's own conversation."""
        turn = get_object_or_404(Turn, pk=turn_id, conversation__owner=request.user)
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rating = services.rate_turn(request.user, turn, **data.validated_data)
        except services.NotRateable as error:
            raise ValidationError({"turn": [str(error)]}) from None
        return Response(RatingSerializer(rating).data)

    post = put


class ConversationRatingView(APIView):
    @extend_schema(request=RatingSerializer, responses=RatingSerializer)
    def put(self, request: Request, conversation_id: int) -> Response:
        """Rate one of the caller's conversations as a whole."""
        conversation = get_object_or_404(Conversation, pk=conversation_id, owner=request.user)
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rate_conversation(request.user, conversation, **data.validated_data)
        return Response(RatingSerializer(rating).data)

    post = put
