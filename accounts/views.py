"""Sign-up, rate-limited log-in, and the owner's token page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import ratelimit
from accounts.models import ApiToken
from accounts.tokens import issue_token


class RateLimitedAuthenticationForm(AuthenticationForm):
    """Refuses to check passwords once an address or username has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": "Too many failed log-in attempts. Wait a few minutes and try again.",
    }

    def clean(self):
        username = self.data.get("username", "")
        address = ratelimit.client_ip(self.request.META) if self.request else "unknown"
        if ratelimit.is_limited(address, username):
            raise ValidationError(self.error_messages["rate_limited"], code="rate_limited")
        try:
            return super().clean()
        except ValidationError:
            ratelimit.record_failure(address, username)
            raise


class LoginView(auth_views.LoginView):
    form_class = RateLimitedAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "rate_limited"):
            response.status_code = 429
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and log straight in."""
    if request.user.is_authenticated:
        return redirect("personas:picker")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Pick someone to talk to.")
        return redirect("personas:picker")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens and create new ones; the secret is shown once."""
    new_secret = None
    if request.method == "POST":
        issued = issue_token(request.user, name=request.POST.get("name", "").strip())
        new_secret = issued.secret
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.revoke()
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("accounts:tokens")
