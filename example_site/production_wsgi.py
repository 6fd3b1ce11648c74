"""The WSGI application of `make serve` (scripts/serve-production): the example site with
WhiteNoise serving ``/static/`` (collected files, cached for a day) and the images under
``/media/`` (the logo and its renditions, looked up on each request since Wagtail writes
renditions as pages ask for them). Documents are not served from ``/media/``: Wagtail's
document view checks their privacy.

Behind nginx on a real server, nginx serves these directories itself and gunicorn runs
``example_site.wsgi`` (docs/deployment.md).
"""

from django.conf import settings
from whitenoise import WhiteNoise

from example_site.wsgi import application as django_application

media = WhiteNoise(django_application, autorefresh=True)
for folder in ("original_images", "images"):
    media.add_files(str(settings.MEDIA_ROOT / folder), prefix=f"{settings.MEDIA_URL}{folder}/")

application = WhiteNoise(media, max_age=24 * 60 * 60)
application.add_files(str(settings.STATIC_ROOT), prefix=settings.STATIC_URL)
