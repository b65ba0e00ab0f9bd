"""A voicemail box's ``task_queue`` (R7): stored, refused when it names no queue, kept
through a whole document, and the queue it names cannot be deleted under it."""

from typing import Any

from tests.server.config.test_call_flow import box, queues, refused  # noqa: F401
from vaxla_server.config import Configuration, MissingReference, StillReferenced
from vaxla_server.store import Store


def test_a_box_routes_its_messages_to_a_queue_that_exists(
    queues: Configuration,  # noqa: F811
    store: Store,
) -> None:
    item = box(task_queue="Support", task_priority=5)
    queues.voicemail_boxes.add(item)
    assert queues.voicemail_boxes.get("Kansliet") == item
    refused(
        store,
        MissingReference,
        r"voicemail box 'B' \(its task_queue\) points to the queue 'Nowhere', which does not "
        "exist",
        queues.voicemail_boxes.add,
        box(name="B", task_queue="Nowhere"),
    )
    refused(store, StillReferenced, "voicemail box 'Kansliet'", queues.delete_queue, "Support")
    queues.delete_queue("Sales")  # a queue no box names goes

    # Without a task queue the box is only read in the Voicemail tab; Support may go then.
    queues.voicemail_boxes.replace("Kansliet", box())
    assert queues.voicemail_boxes.get("Kansliet").task_queue is None
    queues.delete_queue("Support")


def test_a_whole_document_keeps_the_task_queue(
    queues: Configuration,  # noqa: F811
) -> None:
    queues.voicemail_boxes.add(box(task_queue="Sales", task_priority=2))
    document = queues.export_document()
    queues.apply_document(document)
    found: Any = queues.voicemail_boxes.get("Kansliet")
    assert (found.task_queue, found.task_priority) == ("Sales", 2)
