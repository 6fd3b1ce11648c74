"""Public URLs: include them in the site's URLconf, before Wagtail's page URLs::

    path("ocena/", include("wagtail_ocena.urls")),

The questionnaire is then sent straight to its view instead of through page routing.
"""

from django.urls import path

from .views.public import submit

app_name = "wagtail_ocena"

urlpatterns = [path("<int:page_id>/wyslij/", submit, name="submit")]
