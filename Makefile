# make demo — tạo .venv, cài đặt và chạy thử trọn quy trình trên dữ liệu mẫu (thư mục demo/)
# make test — tạo .venv, cài đặt kèm công cụ kiểm thử và chạy toàn bộ kiểm thử
# make exe — dựng chương trình một tệp dist/baocao bằng PyInstaller (cấu hình và mẫu báo cáo nằm trong)
# make exe-check — dựng dist/baocao rồi chạy thử nó một mình trên PATH trống (CI chạy sau make test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean exe exe-check

demo: $(VENV)/.installed
	$(BIN)/baocao demo

test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check pipeline tests bench tools
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed
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

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache build dist
