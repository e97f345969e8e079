"""ASGI entry point: Django for HTTP, the realtime consumer for websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from accounts.ws_auth import TokenOrSessionAuthMiddleware  # noqa: E402
from conversations.routing import websocket_urlpatterns  # noqa: E402

# Daphne serves static files itself only in DEBUG; WhiteNoise handles them otherwise.
http_app = ASGIStaticFilesHandler(django_asgi_app) if settings.DEBUG else django_asgi_app

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
