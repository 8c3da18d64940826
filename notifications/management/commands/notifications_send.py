import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.senders import sender_get
from notifications.worker import BATCH_SIZE, outbox_deliver_due, outbox_run


class Command(BaseCommand):
    help = (
        "Deliver the text messages waiting in the outbox. With --once, what is due now; "
        "otherwise keep polling until SIGTERM or SIGINT (the message being sent is finished)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Deliver what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between polls (default 5).",
        )
        parser.add_argument(
            "--batch", type=int, default=BATCH_SIZE, help="Messages claimed per poll.",
        )

    def handle(self, *args: Any, once: bool, interval: float, batch: int, **options: Any) -> None:
        sender = sender_get()
        if once:
            sent = retried = failed = lost = 0
            while True:  # batch after batch, until a batch comes back short
                report = outbox_deliver_due(sender=sender, limit=batch)
                sent, retried = sent + report.sent, retried + report.retried
                failed, lost = failed + report.failed, lost + report.lost
                if report.handled + report.lost < batch:
                    break
            self.stdout.write(
                f"{sent} sent, {retried} to retry, {failed} failed, "
                f"{lost} taken by another worker."
            )
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: Any) -> None:
            # Finish the message in hand (its result is written), then leave the loop.
            stop.set()

        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {signum: signal.signal(signum, request_stop) for signum in signals}
        self.stdout.write(f"Delivering text messages every {interval:g} s (SIGTERM stops).")
        try:
            outbox_run(interval=interval, stop=stop, sender=sender, limit=batch)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Stopped.")
