"""First-run set-up: an admin with a random password (printed once) and a demo persona."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from personas.models import Persona

DEMO_PROMPT = (
    "너는 '하루'라는 밝고 친절한 AI 버튜버야. 사용자와 음성으로 실시간 대화를 해. "
    "한두 문장으로 짧고 자연스럽게 말하고, 이모지는 쓰지 마."
)


class Command(BaseCommand):
    help = "Create an admin (random password, printed once) and a demo persona if none exist."

    def handle(self, *args, **options) -> None:
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "", password)
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin user 'admin' with password: {password}\n"
                    "It is shown only this once; change it at /accounts/password/."
                )
            )
        if not Persona.objects.exists():
            Persona.objects.create(
                name="하루",
                slug="haru",
                language="ko",
                system_prompt=DEMO_PROMPT,
                description="밝고 친절한 AI 버튜버 (demo persona)",
                greeting="안녕하세요! 저는 하루예요. 무슨 이야기를 해 볼까요?",
            )
            self.stdout.write("Created the demo persona 'haru'.")
