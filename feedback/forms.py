"""Rating forms and the fine-tuning export options form."""

from __future__ import annotations

from django import forms
from django.conf import settings

from feedback.export import ExportOptions
from personas.models import Persona

SCORE_CHOICES = [(score, "★" * score) for score in range(1, 6)]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExportOptionsForm(forms.Form):
    """What a fine-tuning export includes (admin "Start export" page)."""

    personas = forms.ModelMultipleChoiceField(
        queryset=Persona.objects.all(), required=False, help_text="None selected: every persona."
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    min_rating = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, initial=4)
    include_unrated = forms.BooleanField(required=False)
    context_turns = forms.IntegerField(
        min_value=1, max_value=50, initial=6, help_text="Previous turns each example carries."
    )
    interrupted = forms.ChoiceField(
        choices=[
            ("spoken", "Use only what was spoken"),
            ("exclude", "Exclude interrupted answers"),
        ],
        initial="spoken",
    )
    max_tokens = forms.IntegerField(min_value=100, max_value=65536)
    min_examples = forms.IntegerField(min_value=1)
    validation_fraction = forms.FloatField(min_value=0.0, max_value=0.5, initial=0.1)
    seed = forms.IntegerField(initial=42)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_tokens"].initial = settings.FEEDBACK_EXPORT_MAX_TOKENS
        self.fields["min_examples"].initial = settings.FEEDBACK_EXPORT_MIN_EXAMPLES

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def options(self) -> ExportOptions:
        """The cleaned form as ExportOptions."""
        data = self.cleaned_data
        return ExportOptions(
            persona_ids=sorted(p.pk for p in data["personas"]),
            date_from=data["date_from"].isoformat() if data["date_from"] else None,
            date_to=data["date_to"].isoformat() if data["date_to"] else None,
            min_rating=data["min_rating"],
            include_unrated=data["include_unrated"],
            context_turns=data["context_turns"],
            interrupted=data["interrupted"],
            max_tokens=data["max_tokens"],
            min_examples=data["min_examples"],
            validation_fraction=data["validation_fraction"],
            seed=data["seed"],
        )
