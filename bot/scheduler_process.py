"""`sipdesk scheduler`: the periodic work (watch polls, digests, housekeeping), done only by the
process holding the leader lock. APScheduler keeps the clock; the database decides what has been
done (claims per outage, per digest slot, per reminder), so a second process or a new leader
never repeats a post and catches up what a dead leader left."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime
from bot.settings import Settings, TelephonyKind
from handlers.digests.flow import DigestPolicy, run_due
from handlers.housekeeping.flow import HousekeepingPolicy, sweep
from handlers.notify import Notifier, SlackNotifier
from handlers.watch.flow import Watch, poll_is_due
from handlers.watch.policy import WatchPolicy
from store.keys import watch_poll_key
from store.leader import LeaderLock
from store.rate_limit import ChannelRateLimiter
from store.types import utcnow

log = logging.getLogger(__name__)

DIGEST_EVERY = 20.0  # seconds; slots are whole minutes
HOUSEKEEPING_EVERY = 300.0
DUE_CHECK_EVERY = 1.0  # pushes and run-out debounces are seen within a second


def watch_policy(settings: Settings) -> WatchPolicy:
    return WatchPolicy(
        down_after=timedelta(seconds=settings.down_after),
        interval=timedelta(seconds=settings.watch_interval),
        storm_share=settings.storm_share,
        staff_channel=settings.staff_channel,
        alert_staff=settings.alert_staff,
        staff_timezone=settings.staff_timezone,
        claim_lease=claim_lease(settings),
    )


def claim_lease(settings: Settings) -> timedelta:
    """A claim older than four leader TTLs has no live poster (60 s with the default TTL)."""
    return timedelta(seconds=4 * settings.leader_ttl)


def digest_policy(settings: Settings) -> DigestPolicy:
    return DigestPolicy(
        default_cron=" ".join(settings.digest_cron.split()),
        staff_channel=settings.staff_channel,
        staff_timezone=settings.staff_timezone,
        claim_lease=claim_lease(settings),
    )


def housekeeping_policy(settings: Settings) -> HousekeepingPolicy:
    return HousekeepingPolicy(
        remind_after=timedelta(hours=settings.remind_after),
        bill_wait=timedelta(days=settings.bill_wait_days),
        confirm_wait=timedelta(days=settings.confirm_wait_days),
        bill_keep=timedelta(days=settings.bill_keep_days),
        staff_channel=settings.staff_channel,
    )


def notifier_of(runtime: Runtime) -> Notifier:
    limiter = ChannelRateLimiter(runtime.redis, runtime.services.redis_prefix)
    return SlackNotifier(runtime.app.client, limiter)


class SchedulerProcess:
    """The scheduler of one process; only the leader's jobs do anything."""

    def __init__(self, runtime: Runtime, *, clock: Callable[[], datetime] = utcnow) -> None:
        settings = runtime.settings
        self._runtime = runtime
        self._clock = clock
        self.notifier = notifier_of(runtime)
        self.watch = Watch(
            runtime.db, runtime.services.telephony, self.notifier, watch_policy(settings)
        )
        self._digests = digest_policy(settings)
        self._housekeeping = housekeeping_policy(settings)
        self.lock = LeaderLock(
            runtime.redis,
            runtime.services.redis_prefix,
            role="scheduler",
            ttl_ms=int(settings.leader_ttl * 1000),
            on_change=self._on_leadership,
        )
        self._poll_lock = threading.Lock()  # the interval poll and a pushed poll never overlap
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        )

    def start(self) -> SchedulerProcess:
        self.lock.start_keeping()
        settings = self._runtime.settings
        if self.watching:
            every = settings.watch_interval
            self._scheduler.add_job(
                self._leading(self._poll), "interval", seconds=every, id="watch"
            )
            self._scheduler.add_job(
                self._leading(self._poll_if_due),
                "interval",
                seconds=DUE_CHECK_EVERY,
                id="watch-due",
            )
        else:
            log.info("scheduler: no registrations source (SIPDESK_REGISTRATIONS_FEED), no watch")
        self._scheduler.add_job(
            self._leading(self._send_digests), "interval", seconds=DIGEST_EVERY, id="digests"
        )
        self._scheduler.add_job(
            self._leading(self._sweep),
            "interval",
            seconds=HOUSEKEEPING_EVERY,
            id="housekeeping",
        )
        self._scheduler.start()
        return self

    @property
    def watching(self) -> bool:
        """The built-in platform without a feed knows no registrations: nothing to watch."""
        settings = self._runtime.settings
        return settings.telephony is not TelephonyKind.BUILTIN or bool(settings.registrations_feed)

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self.lock.stop()

    def _on_leadership(self, leading: bool) -> None:
        log.info("scheduler: %s", "now the leader" if leading else "no longer the leader")
        if leading and self._scheduler.running:
            # Catch up at once: a missed digest slot, alerts a dead leader claimed but never posted.
            for job in ("watch", "digests"):
                if self._scheduler.get_job(job) is not None:
                    self._scheduler.modify_job(job, next_run_time=datetime.now(UTC))

    def _leading(self, job: Callable[[datetime], object]) -> Callable[[], None]:
        def run() -> None:
            if not self.lock.is_leader:
                return
            try:
                job(self._clock())
            except Exception:
                log.exception("scheduled %s failed; it runs again at its next time", job.__name__)

        return run

    def _poll(self, now: datetime) -> None:
        with self._poll_lock:
            self.watch.poll(now)

    def _poll_if_due(self, now: datetime) -> None:
        runtime = self._runtime
        pushed = runtime.redis.getdel(watch_poll_key(runtime.services.redis_prefix))
        if self.watch.source_failing:
            return  # a failing source is asked again at the interval, not every second
        if pushed or poll_is_due(runtime.db, now, self.watch.policy):
            self._poll(now)

    def _send_digests(self, now: datetime) -> None:
        run_due(self._runtime.db, self.notifier, self._digests, now)

    def _sweep(self, now: datetime) -> None:
        sweep(self._runtime.db, self.notifier, self._housekeeping, now)


def start_in_process(runtime: Runtime) -> SchedulerProcess | None:
    """`sipdesk run` on the embedded defaults: the scheduler runs inside it (closed with it)."""
    if not runtime.settings.runs_scheduler_in_process:
        return None
    scheduler = SchedulerProcess(runtime).start()
    runtime.closers.append(scheduler.stop)
    return scheduler
