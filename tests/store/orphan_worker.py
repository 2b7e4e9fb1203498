"""A worker process the orphan tests kill: ``python orphan_worker.py REDIS_URL PREFIX``.

It beats fast (every 0.2 s, lapsing after 2 s) so a test sees a dead worker's job orphaned in
seconds; the mechanism is the one `sipdesk worker` runs with its own figures.
"""

from __future__ import annotations

import sys

import redis

import store.queue
from store.queue import JobQueue

store.queue.HEARTBEAT_SECONDS = 0.2
store.queue.HEARTBEAT_TTL_SECONDS = 2

if __name__ == "__main__":
    url, prefix = sys.argv[1], sys.argv[2]
    JobQueue(redis.Redis.from_url(url), prefix).run_burst()
