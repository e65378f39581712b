"""Ad-hoc reports (issue #14, plan line 72 "… hoặc đột xuất theo yêu cầu"): ``--ky LABEL --han-nop DATE``."""

from __future__ import annotations

import datetime as dt
import io
import json

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from pipeline.cli import cli, main
from pipeline.forms import build_form
from pipeline.layout import ID_SHEET
from pipeline.workspace import init_workspace
from tests.filling import fill_form, filled_form, form_cells, snapshot

PERIOD = ["--nam", "2027", "--ky", "6 tháng đầu năm", "--han-nop", "15/06/2027"]
UNITS = ("vhtt", "xa-my-hiep", "xa-ba-sao")


def _adhoc_inbox(kh178, tmp_path):
    """tao-mau --ky, three of its forms filled, and a yearly 2027 form of Phòng Y tế beside them."""
    ws = init_workspace(tmp_path / "ws")
    res = CliRunner().invoke(cli, ["-C", str(ws.root), "tao-mau", *PERIOD])
    assert res.exit_code == 0, res.output
    forms = ws.outbox / "mau-2027-6-thang-dau-nam"
    assert res.output.splitlines()[0] == f"Đã tạo {len(kh178.units)} biểu mẫu 6 tháng đầu năm 2027 trong {forms}:"
    assert res.output.splitlines()[-1] == "Gửi mỗi đơn vị tệp của mình; hạn nộp lại: 15/06/2027."
    for unit_id in UNITS:
        form = next(forms.glob(f"{unit_id} - *"))
        assert form.name.endswith(" - 2027-6-thang-dau-nam.xlsx")
        cells = form_cells(kh178, unit_id, 2027, contact={"ngay_lap": dt.date(2027, 6, 10)})
        (ws.inbox / form.name).write_bytes(fill_form(form.read_bytes(), cells))
    (ws.inbox / "yte-nam.xlsx").write_bytes(filled_form(kh178, "yte", 2027))
    return ws


def test_adhoc_form_carries_the_period_in_its_hidden_id_title_and_code(kh178, tmp_path):
    ws = _adhoc_inbox(kh178, tmp_path)
    form = next((ws.outbox / "mau-2027-6-thang-dau-nam").glob("xa-my-hiep - *"))
    wb = load_workbook(form)
    ids = {r[0]: r[1] for r in wb[ID_SHEET].iter_rows(values_only=True)}
    assert (ids["nam"], ids["ky"], ids["ten_ky"]) == (2027, "6-thang-dau-nam", "6 tháng đầu năm 2027")
    info = wb["Thông tin"]
    assert info["B2"].value == "Đơn vị: UBND xã Mỹ Hiệp — Kỳ báo cáo: 6 tháng đầu năm 2027 — Hạn nộp: 15/06/2027"
    assert info["B3"].value == f"Mã biểu mẫu: {kh178.id}/xa-my-hiep/2027/v{kh178.template_version}/6-thang-dau-nam"
    # the yearly form is what it always was: no period rows in _id
    yearly = load_workbook(io.BytesIO(build_form(kh178, kh178.unit("xa-my-hiep"), 2027)))
    assert [r[0] for r in yearly[ID_SHEET].iter_rows(values_only=True)] == [
        "loai",
        "ke_hoach",
        "don_vi",
        "nam",
        "phien_ban",
        "ten_don_vi",
    ]


def test_adhoc_run_rejects_a_yearly_form_by_name_and_reports_under_the_label(kh178, tmp_path):
    ws = _adhoc_inbox(kh178, tmp_path)
    res = CliRunner().invoke(cli, ["-C", str(ws.root), "kiem-tra", *PERIOD])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("KIỂM TRA HỒ SƠ 6 THÁNG ĐẦU NĂM 2027 — thư mục ")
    assert res.output.splitlines()[0].endswith(" — hạn nộp 15/06/2027")
    assert (
        "Biểu mẫu báo cáo năm 2027, không phải biểu mẫu kỳ «6 tháng đầu năm 2027» đang tổng hợp (đơn vị "
        "«Phòng Y tế»). Hãy đề nghị đơn vị điền biểu mẫu kỳ «6 tháng đầu năm 2027» rồi gửi lại."
    ) in res.output

    yearly_before = snapshot(ws.outbox)
    res = CliRunner().invoke(
        cli, ["-C", str(ws.root), "bao-cao", *PERIOD, "--theo", "Công văn số 123/SCT-QLCN ngày 02/6/2027"]
    )
    assert res.exit_code == 0, res.output
    folder = ws.outbox / "bao-cao-2027-6-thang-dau-nam"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bao-cao-2027-6-thang-dau-nam.docx",
        "nhat-ky-2027-6-thang-dau-nam.json",
        "tong-hop-2027-6-thang-dau-nam.xlsx",
    ]
    assert not (ws.outbox / "bao-cao-2027").exists() and not (ws.outbox / "mau-2027").exists()
    assert {k: v for k, v in snapshot(ws.outbox).items() if not k.startswith("bao-cao-2027-6")} == yearly_before

    texts = [
        p.text for p in Document(io.BytesIO((folder / "bao-cao-2027-6-thang-dau-nam.docx").read_bytes())).paragraphs
    ]
    assert (
        "Kết quả thực hiện Kế hoạch số 178/KH-UBND ngày 13/10/2021 về sản xuất và tiêu dùng bền vững "
        "6 tháng đầu năm 2027"
    ) in texts
    assert (
        "Thực hiện Công văn số 123/SCT-QLCN ngày 02/6/2027 của Sở Công Thương tỉnh Đồng Tháp, Ủy ban nhân dân "
        "huyện Cao Lãnh báo cáo kết quả thực hiện 6 tháng đầu năm 2027 như sau:"
    ) in texts
    assert any(t.startswith("6 tháng đầu năm 2027, Kế hoạch có ") for t in texts)
    assert "SỐ LIỆU CÁC CHỈ TIÊU THEO TỪNG ĐƠN VỊ 6 THÁNG ĐẦU NĂM 2027" in texts
    assert "Cao Lãnh, ngày 15 tháng 6 năm 2027" in [
        p.text
        for t in Document(io.BytesIO((folder / "bao-cao-2027-6-thang-dau-nam.docx").read_bytes())).tables
        for c in t._cells
        for p in c.paragraphs
    ]
    assert not any("năm 2027, Kế hoạch" in t and not t.startswith("6 tháng") for t in texts)
    record = json.loads((folder / "nhat-ky-2027-6-thang-dau-nam.json").read_text(encoding="utf-8"))
    assert record["period"] == {
        "label": "6 tháng đầu năm",
        "name": "6 tháng đầu năm 2027",
        "slug": "6-thang-dau-nam",
        "deadline": "2027-06-15",
    }
    assert [f["problem"]["code"] for f in record["rejected_files"]] == ["sai-ky"]
    assert sorted(u["unit"] for u in record["units"] if u["file"]) == sorted(UNITS)


def test_yearly_run_rejects_an_adhoc_form_by_name(kh178, tmp_path):
    ws = _adhoc_inbox(kh178, tmp_path)
    res = CliRunner().invoke(cli, ["-C", str(ws.root), "kiem-tra", "--nam", "2027"])
    assert res.exit_code == 0, res.output
    assert (
        "Biểu mẫu kỳ «6 tháng đầu năm 2027», không phải biểu mẫu báo cáo năm 2027 đang tổng hợp (đơn vị "
        "«UBND xã Mỹ Hiệp»). Hãy đề nghị đơn vị điền biểu mẫu báo cáo năm 2027 rồi gửi lại."
    ) in res.output
    assert not (ws.outbox / "phan-hoi-2027-6-thang-dau-nam").exists()


def test_ky_and_han_nop_go_together_and_the_deadline_is_a_real_date(kh178, tmp_path, capsys):
    ws = init_workspace(tmp_path / "ws")
    for args in (["--ky", "6 tháng đầu năm"], ["--han-nop", "15/06/2027"]):
        assert main(["-C", str(ws.root), "tao-mau", "--nam", "2027", *args]) == 1
        assert capsys.readouterr().err == (
            'Lỗi: Báo cáo đột xuất cần cả --ky "TÊN KỲ" và --han-nop NGÀY/THÁNG/NĂM, '
            'ví dụ --ky "6 tháng đầu năm" --han-nop 15/06/2027.\n'
        )
    assert main(["-C", str(ws.root), "bao-cao", "--nam", "2027", "--ky", "Quý II", "--han-nop", "31/06/2027"]) == 2
    assert capsys.readouterr().err == (
        "Lỗi: giá trị của --han-nop không hợp lệ: «31/06/2027» không phải ngày dạng "
        "ngày/tháng/năm (ví dụ 08/12/2026).\n"
    )
    assert main(["-C", str(ws.root), "nhac-nop", "--nam", "2027", "--ky", " ", "--han-nop", "15/06/2027"]) == 1
    assert (
        capsys.readouterr().err == 'Lỗi: Tên kỳ báo cáo (--ky) trống: hãy ghi tên kỳ, ví dụ --ky "6 tháng đầu năm".\n'
    )
    assert not list(ws.outbox.iterdir())


def test_nhac_nop_with_ky_names_the_period_and_its_deadline(kh178, tmp_path):
    ws = _adhoc_inbox(kh178, tmp_path)
    res = CliRunner().invoke(cli, ["-C", str(ws.root), "nhac-nop", *PERIOD])
    assert res.exit_code == 0, res.output
    letter = ws.outbox / "nhac-nop-2027-6-thang-dau-nam" / "nhac-nop-2027-6-thang-dau-nam.docx"
    assert res.output.splitlines()[0].startswith("Đã soạn công văn đôn đốc ")
    assert res.output.splitlines()[0].endswith(f": {letter}")
    assert res.output.split("Nội dung để dán vào tin nhắn:\n", 1)[1].splitlines()[0] == (
        "Đề nghị các đơn vị sau gửi báo cáo kết quả thực hiện Kế hoạch số 178/KH-UBND 6 tháng đầu năm 2027 "
        "trước ngày 15/06/2027:"
    )
    texts = [p.text for p in Document(io.BytesIO(letter.read_bytes())).paragraphs]
    assert any("báo cáo 6 tháng đầu năm 2027 (trước ngày 15/06/2027) các đơn vị báo cáo" in t for t in texts)
