"""Entry point of the one-file program built by PyInstaller (tools/baocao.spec): the same ``main()``
as the installed ``baocao`` command. ``freeze_support`` lets the process pool that reads many
files start its workers from the frozen program on Windows."""

import multiprocessing
import sys

from pipeline.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
