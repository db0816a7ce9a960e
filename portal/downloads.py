"""A file someone uploaded (evidence, a licence, a letter, a photo), handed to whoever may see it:
always as a download, and sandboxed, so that whatever it holds runs nothing in the portal's
origin."""

from django.http import FileResponse


def uploaded_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
