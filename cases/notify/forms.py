from django import forms

from cases.notify.models import NotificationSetting


class SettingForm(forms.ModelForm):
    class Meta:
        model = NotificationSetting
        fields = ["mode", "unassigned"]
        widgets = {"mode": forms.RadioSelect}
        labels = {
            "mode": "Quand un requérant répond sur un de mes dossiers",
            "unassigned": "Me prévenir aussi des réponses sur les dossiers non assignés de mes collectivités",
        }
        help_texts = {
            "mode": "Plusieurs réponses arrivées à quelques minutes d'intervalle font un seul courriel.",
            "unassigned": "Seulement avec « Immédiatement » : les réponses arrivent alors à tous les volontaires.",
        }
