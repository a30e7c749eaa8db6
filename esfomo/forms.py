"""Forms of the organizers' admin beyond the model forms."""

from django import forms

from .models import Edition


class CloneEditionForm(forms.Form):
    year = forms.IntegerField(
        label="new edition's year", min_value=2000, max_value=2200, help_text="e.g. 2026; shown at /2026/."
    )
    date = forms.DateField(
        label="new workshop day",
        help_text="e.g. 2026-07-17. Important dates and sessions move by as many days as the workshop does.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Edition.objects.filter(year=year).exists():
            raise forms.ValidationError(f"There is already an edition {year}.")
        return year

    def clean(self):
        cleaned_data = super().clean()
        year, date = cleaned_data.get("year"), cleaned_data.get("date")
        if year and date and date.year != year:
            self.add_error("date", f"The workshop day must be in {year}.")
        return cleaned_data
