"""``manage.py private_files export|import``, which the backup scripts use with a bucket, on the
local storage: every file out into a folder and back under its own name."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from evaluation.storage import private_files


def test_files_go_out_and_come_back_under_their_names(tmp_path, capsys):
    private_files.save("evidence/1/a/报表.pdf", ContentFile(b"statement"))
    private_files.save("reports/1/b.pdf", ContentFile(b"report"))
    call_command("private_files", "export", str(tmp_path / "out"))
    assert "exported 2 files (15 bytes)" in capsys.readouterr().out
    assert (tmp_path / "out/evidence/1/a/报表.pdf").read_bytes() == b"statement"

    private_files.delete("evidence/1/a/报表.pdf")
    private_files.delete("reports/1/b.pdf")
    assert private_files.save("reports/1/b.pdf", ContentFile(b"older")) == "reports/1/b.pdf"
    call_command("private_files", "import", str(tmp_path / "out"))
    assert "imported 2 files" in capsys.readouterr().out
    with private_files.open("evidence/1/a/报表.pdf") as restored:
        assert restored.read() == b"statement"
    with private_files.open("reports/1/b.pdf") as replaced:
        assert replaced.read() == b"report"


def test_an_export_never_mixes_with_an_earlier_one(tmp_path):
    (tmp_path / "earlier.pdf").write_bytes(b"x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("private_files", "export", str(tmp_path))
    with pytest.raises(CommandError, match="not a folder"):
        call_command("private_files", "import", str(tmp_path / "missing"))
