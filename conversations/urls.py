from django.urls import path

from conversations import views
from feedback import views as feedback_views

app_name = "conversations"

urlpatterns = [
    path("", views.history, name="history"),
    path("start/<slug:slug>/", views.start, name="start"),
    path("<int:conversation_id>/", views.transcript, name="transcript"),
    path("<int:conversation_id>/talk/", views.talk, name="talk"),
    path("<int:conversation_id>/end/", views.end, name="end"),
    path("<int:conversation_id>/rate/", feedback_views.rate_conversation, name="rate"),
    path("turns/<int:turn_id>/rate/", feedback_views.rate_turn, name="rate-turn"),
]
