"""Token API for native clients: issue with username+password, list, revoke."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import ratelimit
from accounts.models import ApiToken
from accounts.tokens import issue_token


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "active"]


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The secret; shown only in this response.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class BadCredentials(AuthenticationFailed):
    error_code = "bad_credentials"


class TooManyAttempts(Throttled):
    error_code = "rate_limited"


class TokenIssueView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Without it DRF turns a wrong password into 403; clients expect 401.
        return 'Bearer realm="api"'

    @extend_schema(request=TokenRequestSerializer, responses={201: IssuedTokenSerializer})
    def post(self, request: Request) -> Response:
        """Exchange a username and password for a bearer token."""
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        address = ratelimit.client_ip(request.META)
        if ratelimit.is_limited(address, username):
            raise TooManyAttempts(detail="Too many failed attempts; try again later.")
        user = authenticate(request, username=username, password=data.validated_data["password"])
        if user is None:
            ratelimit.record_failure(address, username)
            raise BadCredentials("Username or password is wrong.")
        issued = issue_token(user, name=data.validated_data.get("name") or "API client")
        body = TokenSerializer(issued.token).data | {"token": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenListView(APIView):
    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        """List the caller's tokens (never their secrets)."""
        return Response(TokenSerializer(ApiToken.objects.filter(user=request.user), many=True).data)


class TokenRevokeView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        """Revoke one of the caller's tokens."""
        get_object_or_404(ApiToken, pk=token_id, user=request.user).revoke()
        return Response(status=status.HTTP_204_NO_CONTENT)
