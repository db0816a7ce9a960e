"""The business licence a registration was made with, as its confirmers download it (the page and
the API alike)."""

from django.http import FileResponse


def licence_response(registration) -> FileResponse:
    response = FileResponse(
        registration.licence.open("rb"),
        as_attachment=True,
        filename=registration.licence_name,
        content_type=registration.licence_content_type,
    )
    response["Content-Security-Policy"] = "sandbox"  # whatever it holds, it runs nothing
    return response
