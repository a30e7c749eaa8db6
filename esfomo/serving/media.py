"""Uploads kept on the local disk, served by the app itself (production without an S3 bucket).

WhiteNoise serves only the files it found at start-up, and a small PaaS process has no web
server of its own in front: so this view serves MEDIA_ROOT, images only (everything there comes
out of the image pipeline, re-encoded), with a week of browser caching. A host whose disk is
wiped at each deploy sets the S3 variables instead (README "Deploy").
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views import static
from django.views.decorators.http import require_safe

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})


@require_safe
def serve_media(request, path):
    if not isinstance(default_storage, FileSystemStorage):
        raise Http404("Uploads are stored elsewhere.")
    if PurePosixPath(path).suffix.lower() not in IMAGE_SUFFIXES:
        raise Http404("Not an image.")
    # static.serve refuses paths outside MEDIA_ROOT and answers If-Modified-Since.
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_SECONDS)
    return response
