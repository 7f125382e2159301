"""Stands in for the app's process in kill tests: the ingest service alone, until killed.

python tests/ingest_app.py   (the data folder from EE_DATA_DIR)
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.service import IngestService  # noqa: E402

settings = Settings.from_env()
IngestService(settings, open_store(settings)).start()
while True:
    time.sleep(1)
