# make demo — tạo .venv, cài đặt và chạy thử trọn quy trình trên dữ liệu mẫu (thư mục demo/)
# make test — tạo .venv, cài đặt kèm công cụ kiểm thử và chạy toàn bộ kiểm thử (gồm make lint)
# make golden — sinh lại tests/golden/ (màn hình và báo cáo của demo) khi cố ý đổi câu chữ, bố cục
# make lint — ruff format --check (định dạng mã), ruff (quy tắc chọn trong pyproject.toml), mypy (kiểu dữ liệu trong pipeline/)
# make exe — dựng chương trình một tệp dist/baocao bằng PyInstaller (cấu hình và mẫu báo cáo nằm trong)
# make exe-check — dựng dist/baocao rồi chạy thử nó một mình trên PATH trống (CI chạy sau make test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint golden bench clean exe exe-check

demo: $(VENV)/.installed
	$(BIN)/baocao demo

test: lint
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff format --check pipeline tests bench tools
	$(BIN)/python -m ruff check pipeline tests bench tools
	$(BIN)/python -m mypy

golden: $(VENV)/.installed-test
	BAOCAO_GOLDEN=ghi $(BIN)/python -m pytest -q tests/test_golden.py

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

exe: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[exe]'
	$(BIN)/python tools/build_exe.py

exe-check: $(VENV)/.installed-test
	sh tools/check_exe.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache build dist
