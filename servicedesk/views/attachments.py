"""Attachment download through a permission check (media files are not served publicly)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from .access import _get_attachment_for_user, operator_required

# Only raster formats are shown inline; SVG and HTML could carry script, so they always download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


@operator_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _get_attachment_for_user(request, pk)
    inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_TYPES
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
