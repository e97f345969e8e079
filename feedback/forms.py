from django import forms

SCORE_CHOICES = [(score, "★" * score) for score in range(1, 6)]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
