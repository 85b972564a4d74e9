from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "satupintu.portal.qualification"
    label = "portal_qualification"
    verbose_name = "Qualification data"
