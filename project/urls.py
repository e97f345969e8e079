from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from accounts import api as accounts_api
from accounts import views as accounts_views
from conversations import api as conversations_api
from feedback import api as feedback_api
from personas import api as personas_api

api_patterns = [
    path("auth/token", accounts_api.TokenIssueView.as_view(), name="token-issue"),
    path("auth/tokens", accounts_api.TokenListView.as_view(), name="token-list"),
    path("auth/tokens/<int:token_id>", accounts_api.TokenRevokeView.as_view(), name="token-revoke"),
    path("personas/", personas_api.PersonaListView.as_view(), name="persona-list"),
    path("conversations/", conversations_api.ConversationListView.as_view(), name="conversation-list"),
    path(
        "conversations/<int:conversation_id>/",
        conversations_api.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<int:conversation_id>/rating",
        feedback_api.ConversationRatingView.as_view(),
        name="conversation-rating",
    ),
    path("turns/<int:turn_id>/rating", feedback_api.TurnRatingView.as_view(), name="turn-rating"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", include("personas.urls")),
    path("admin/", admin.site.urls),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("conversations/", include("conversations.urls")),
    path("api/", include((api_patterns, "api"))),
]

# Uploaded avatars and voices; in production the reverse proxy serves /media/.
urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
