"""Bootstrap pages downloaded ahead of the local writes, a few entities at a time, in order."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from app.domain.core.errors import SyncError
from sync.protocol import BootstrapPage

FETCHERS, PAGES_AHEAD = 3, 2  # bootstrap downloads running ahead of the local writes

Fetch = Callable[[str, str], tuple[BootstrapPage, list[dict]]]  # (entity, after) -> page, rows


def pages_in_order(fetch: Fetch, entities: list[str]) -> Iterator[tuple[str, list[dict]]]:
    """Every bootstrap page, in entity order (parents before children), then page order.

    Downloads run ahead of the caller: each entity's pages are fetched in turn by one of a few
    threads (small reference entities would otherwise cost a round trip each) and wait,
    at most PAGES_AHEAD per entity, while the caller applies the page before them.
    """
    stop = threading.Event()
    queues = {entity: queue.Queue(PAGES_AHEAD) for entity in entities}

    def fetch_all(entity: str) -> None:
        after, pages = "", queues[entity]
        while not stop.is_set():
            try:
                page, rows = fetch(entity, after)
            except BaseException as error:  # handed to the caller, in order
                _put(pages, error, stop)
                return
            _put(pages, (page.next_after is None, rows), stop)
            if page.next_after is None:
                return
            after = page.next_after

    with ThreadPoolExecutor(FETCHERS, thread_name_prefix="utilitydesk-bootstrap") as pool:
        for entity in entities:
            pool.submit(fetch_all, entity)
        try:
            for entity in entities:
                while True:
                    item = queues[entity].get()
                    if isinstance(item, BaseException):
                        raise item
                    last, rows = item
                    yield entity, rows
                    if last:
                        break
        finally:
            stop.set()


def _put(pages: queue.Queue, item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            pages.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def bootstrap_page(body: dict) -> tuple[BootstrapPage, list[dict]]:
    """The page's envelope validated as a BootstrapPage; its rows kept as the plain dicts they are.

    Validating thousands of rows into the model only to read them back as dicts is most of the
    cost of a page; apply_rows reads every field it writes (sync.records.table_values).
    """
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "id" in row for row in rows):
        raise SyncError("server_error", "The central service sent a bootstrap page that cannot be read.")
    return BootstrapPage.model_validate({**body, "rows": []}), rows
